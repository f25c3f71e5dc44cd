"""Template helpers for the staff pages: links that keep the filter state in the URL, and
Bootstrap classes on form widgets."""

from django import forms, template

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with ``changes`` applied (``None`` drops a key); a new
    filter or ordering starts again on page 1."""
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_query(context, field: str) -> str:
    """Sort by ``field``; again to reverse."""
    current = context["request"].GET.get("ordering", "")
    return query(context, ordering=f"-{field}" if current == field else field)


@register.filter
def sort_mark(request, field: str) -> str:
    current = request.GET.get("ordering", "")
    return "▲" if current == field else "▼" if current == f"-{field}" else ""


@register.filter
def bs(field):
    """Render a bound field with Bootstrap's class for its widget."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return field.as_widget()
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
