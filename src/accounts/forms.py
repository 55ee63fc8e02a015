from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from communities.models import Community
from hexitime.forms import CleanCharField, CleanTextField, ModelIdsField
from skills.models import Skill, SkillCategory


def grouped_skill_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Skills grouped under their category, for a checkbox list with one group per category."""
    categories = SkillCategory.objects.prefetch_related("skills").order_by("position", "name")
    return [(category.name, [(skill.pk, skill.name) for skill in category.skills.all()]) for category in categories]


class ProfileForm(forms.ModelForm[Profile]):
    skills = ModelIdsField(
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Your QI skills"),
        help_text=_(
            "Tick what you could help someone else with, even a little. Not sure? Facilitation, "
            "storytelling and a patient or carer perspective are skills too."
        ),
    )
    region = forms.ModelChoiceField(
        queryset=Community.objects.filter(kind=Community.Kind.REGION).order_by("name"),
        required=False,
        label=_("Region"),
        empty_label=_("Choose your region"),
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "pronouns",
            "role",
            "organisation",
            "region",
            "bio",
            "skills",
            "availability",
            "preferred_mode",
            "may_be_brokered",
        ]
        field_classes = {
            "display_name": CleanCharField,
            "pronouns": CleanCharField,
            "organisation": CleanCharField,
            "bio": CleanTextField,
            "availability": CleanCharField,
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "preferred_mode": forms.RadioSelect,
        }
        help_texts = {
            "display_name": _("How other members see you, for example ‘Sam Patel’."),
            "pronouns": _("Optional, for example ‘she/her’ or ‘they/them’."),
            "organisation": _("Where you work or volunteer, if anywhere."),
            "bio": _("A few lines about you and the improvement work you care about. Up to 1,000 characters."),
            "availability": _("For example ‘Tuesday afternoons’ or ‘an hour a fortnight’."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = _("Enter the name other members will see.")
        self.fields["role"].required = True
        self.fields["role"].error_messages["required"] = _("Choose the role that describes you best.")
        self.fields["skills"].choices = grouped_skill_choices()  # type: ignore[attr-defined]

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the name other members will see."))
        return name


class MemberSearchForm(forms.Form):
    """Filters of the members directory, read from the query string."""

    name = CleanCharField(label=_("Name"), required=False, max_length=80)
    skill = forms.ModelChoiceField(
        label=_("QI skill"),
        required=False,
        queryset=Skill.objects.all(),
        to_field_name="slug",
        empty_label=_("Any skill"),
        error_messages={"invalid_choice": _("There is no QI skill called ‘%(value)s’.")},
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Profile.Role.choices])
    organisation = CleanCharField(label=_("Organisation"), required=False, max_length=120)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)
