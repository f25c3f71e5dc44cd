"""After the seeds and the demo generator, 2020's figures are the published ones.

The generator takes ten seconds, so this runs only when asked for (``make test-demo``;
CI runs it).
"""

import pytest
from django.core.management import call_command

from activities.selectors import yearly_figures
from seeds.demo import PUBLISHED_2020
from seeds.loader import load_seeds

pytestmark = [pytest.mark.demo, pytest.mark.django_db]


def test_the_2020_figures_equal_the_published_totals(settings):
    from activities.models import Activity, OpinionReport, UpwardReport

    settings.DEBUG = True
    load_seeds()
    real_activities = set(Activity.objects.values_list("pk", "title", "starts_on"))
    call_command("generate_demo", year=2020)
    figures = yearly_figures(2020)
    assert figures["opinion_reports"]["received"] == PUBLISHED_2020["opinion_reports"] == 667
    assert figures["opinion_reports"]["bulletin_issues"] == 107
    assert figures["opinion_reports"]["reported_upward"] == 87
    assert figures["proposals"]["accepted"] == figures["proposals"]["assigned"] == 495
    assert figures["activities"]["by_kind"]["联合调研"] == 33
    assert figures["activities"]["by_kind"]["知情明政吹风会"] == 3
    # Every record it made is marked; the seeded ones are as they were.
    assert not OpinionReport.objects.filter(is_demo=False).exists()
    assert not UpwardReport.objects.filter(is_demo=False).exists()
    assert set(Activity.objects.filter(is_demo=False).values_list("pk", "title", "starts_on")) == (
        real_activities
    )
    # A second run adds nothing: the year is already at the published totals.
    call_command("generate_demo", year=2020)
    assert yearly_figures(2020) == figures
