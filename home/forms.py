"""The admin form every portal page type uses."""

import re

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from home.slugs import latin_slugify

SLUG = re.compile(r"^[-a-z0-9_]+$")


class LatinSlugField(forms.SlugField):
    """A page address in Latin: anything else typed here is transliterated before it is checked.

    `kept` is the address the page already has: it stays as it is, even in Cyrillic, because
    changing it would break links people have saved.
    """

    def __init__(self, *args, kept="", **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = kept

    def to_python(self, value):
        value = super().to_python(value)
        if value and value != self.kept and not SLUG.match(value):
            value = latin_slugify(value)
        return value


class PortalPageForm(WagtailAdminPageForm):
    """Stores a new or changed address in Latin, whatever alphabet the editor typed it in.

    The admin already transliterates as the title is typed (home.slugs.SLUG_FORMATTERS); this is
    the same rule on save, for a slug typed or pasted by hand or left empty.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            field = self.fields["slug"]
            self.fields["slug"] = LatinSlugField(
                label=field.label,
                help_text=field.help_text,
                max_length=field.max_length,
                widget=field.widget,
                required=False,
                allow_unicode=True,  # only for the kept address: anything new is made Latin first
                kept=self.instance.slug if self.instance.pk else "",
            )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if not slug:
            slug = self.slug_from_title(self.data.get(self.add_prefix("title"), ""))
        return slug

    def slug_from_title(self, title):
        """A free Latin address made of the title, numbered if a sibling already has it."""
        base = latin_slugify(title)
        if not base or self.parent_page is None:
            return base
        candidate, number = base, 1
        while not Page._slug_is_available(candidate, self.parent_page, self.instance):
            number += 1
            candidate = f"{base}-{number}"
        return candidate
