"""Django's own messages, in the office's words.

Django and DRF write their validation messages for programmers ("确保该变量包含不超过 200 字符
(目前字符数 230)"). The project's catalogue (locale/zh_Hans) translates the same message ids
in plain office Chinese and takes precedence over theirs (``LOCALE_PATHS`` come first). The
ids are listed here, exactly as Django and DRF write them, so that ``make messages`` keeps
them in the catalogue; nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a list of values."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted."),
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    # DRF's
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
)

LENGTHS = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
