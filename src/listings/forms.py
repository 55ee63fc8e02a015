"""Forms for listings, search filters and campaigns. Every bad input gets a specific message."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.forms import grouped_skill_choices
from accounts.models import User
from communities import queries as community_queries
from communities.models import Community, Membership
from hexitime.durations import MAX_HOURS, MIN_HOURS, hours_of
from hexitime.forms import CleanCharField, CleanTextField, ModelIdsField
from hexitime.parsing import parse_id
from ledger.forms import HoursField
from listings import visibility
from listings.actions import ListingData
from listings.models import DEFAULT_LIFETIME, MAX_LIFETIME, MAX_MINUTES, MIN_MINUTES, Campaign, Listing
from skills.models import Skill, SkillCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def member_communities(member: User) -> Any:
    """The member's active communities, most local first: the first is the audience a listing defaults to."""
    active = Membership.objects.filter(member=member, status=Membership.Status.ACTIVE).values("community_id")
    return community_queries.by_locality(Community.objects.filter(pk__in=active))


def audience_text(community: Community) -> str:
    """Who will see a listing shown to this community, in words."""
    within = community_queries.communities_within_count(community)
    if not within:
        return gettext("Members of %(community)s will see it.") % {"community": community.name}
    return ngettext(
        "Members of %(community)s and the %(count)d community within it will see it.",
        "Members of %(community)s and the %(count)d communities within it will see it.",
        within,
    ) % {"community": community.name, "count": within}


def running_campaigns(member: User) -> Any:
    today = timezone.localdate()
    return Campaign.objects.filter(
        community_id__in=visibility.visible_scope_ids(member), ends_on__gte=today, starts_on__lte=today
    ).order_by("name")


class ListingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Is this an offer or a request?"),
        choices=[("offer", _("An offer: I can give my time")), ("request", _("A request: I need help"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether this is an offer or a request.")},
    )
    title = CleanCharField(
        label=_("Title"),
        max_length=120,
        help_text=_("For example ‘Coaching on run charts’ or ‘Help designing a patient survey’."),
        error_messages={"required": _("Enter a title.")},
    )
    description = CleanTextField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you can give or what you need, and anything a partner should know. Up to 4,000 characters."),
        error_messages={"required": _("Describe what you offer or need.")},
    )
    improvement = CleanCharField(
        label=_("The improvement it serves"),
        max_length=300,
        help_text=_("For example ‘Fewer falls on elderly care wards’."),
        error_messages={"required": _("Say which improvement this serves: every exchange is for improvement work.")},
    )
    skills = ModelIdsField(
        queryset=Skill.objects.all(),
        label=_("QI skills"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one QI skill."),
            "invalid_choice": _("%(value)s is not a skill in the QI skills list."),
            "invalid_pk_value": _("%(pk)s is not a skill in the QI skills list."),
        },
    )
    scope = forms.ModelChoiceField(
        queryset=Community.objects.none(),
        label=_("Who can see it"),
        help_text=_("Members of this community and of every community within it."),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your own communities.")},
    )
    mode = forms.ChoiceField(
        label=_("How"), choices=Listing.Mode.choices, initial=Listing.Mode.EITHER, widget=forms.RadioSelect
    )
    place = CleanCharField(label=_("Place"), max_length=120, required=False, help_text=_("Where, if in person."))
    hours = HoursField(
        label=_("Estimated hours"),
        minimum=MIN_HOURS,
        maximum=MAX_HOURS,
        initial=Decimal(1),
        help_text=_("In quarter hours, from 0.25 to 100."),
        error_messages={
            "min_value": _("Estimated hours must be at least 0.25 (a quarter of an hour)."),
            "max_value": _("Estimated hours must be at most 100."),
            "quarter_hours": _("Estimated hours go in quarter hours: 0.25, 0.5, 0.75, 1 and so on."),
            "required": _("Enter the estimated hours."),
        },
    )
    expires_on = forms.DateField(
        label=_("Show it until"),
        help_text=_("At most a year from today. For example 27/2/2027."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date, like 27/2/2027."), "required": _("Enter a date.")},
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        label=_("Campaign"),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose a campaign that is running in one of your communities.")},
    )

    def __init__(self, *args: Any, author: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.author = author
        scopes = list(member_communities(author))
        self.fields["scope"].queryset = member_communities(author)  # type: ignore[attr-defined]
        if not self.is_bound and not self.initial.get("scope") and scopes:
            self.initial["scope"] = scopes[0]  # the most local community, not the first by name
        chosen = self._chosen_scope(scopes)
        if chosen is not None:
            self.fields["scope"].help_text = audience_text(chosen)
        self.fields["campaign"].queryset = running_campaigns(author)  # type: ignore[attr-defined]
        self.fields["skills"].choices = grouped_skill_choices()  # type: ignore[attr-defined]
        if not self.is_bound and "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + DEFAULT_LIFETIME

    def _chosen_scope(self, scopes: list[Community]) -> Community | None:
        """The community the form shows as chosen: the posted one, else the initial one."""
        if self.is_bound:
            wanted = parse_id(self.data.get("scope"))
        else:
            initial = self.initial.get("scope")
            wanted = initial.pk if isinstance(initial, Community) else parse_id(str(initial or ""))
        return next((c for c in scopes if c.pk == wanted), None)

    @classmethod
    def initial_from(cls, listing: Listing) -> dict[str, Any]:
        return {
            "kind": listing.kind,
            "title": listing.title,
            "description": listing.description,
            "improvement": listing.improvement,
            "skills": list(listing.skills.all()),
            "scope": listing.scope,
            "mode": listing.mode,
            "place": listing.place,
            "hours": hours_of(listing.estimated_minutes),
            "expires_on": timezone.localtime(listing.expires_at).date(),
            "campaign": listing.campaign,
        }

    def clean_title(self) -> str:
        return self._not_blank("title", _("Enter a title."))

    def clean_description(self) -> str:
        return self._not_blank("description", _("Describe what you offer or need."))

    def clean_improvement(self) -> str:
        return self._not_blank("improvement", _("Say which improvement this serves."))

    def _not_blank(self, name: str, message: "StrOrPromise") -> str:
        value: str = self.cleaned_data[name].strip()
        if not value:
            raise forms.ValidationError(message)
        return value

    def clean_expires_on(self) -> date:
        expires_on: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on <= today:
            raise forms.ValidationError(_("The date must be in the future."))
        if expires_on > today + MAX_LIFETIME:
            raise forms.ValidationError(_("A listing can be shown for at most a year. Choose an earlier date."))
        return expires_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == Listing.Mode.IN_PERSON and not (data.get("place") or "").strip():
            self.add_error("place", _("Say where, for something in person."))
        return data

    def listing_data(self) -> ListingData:
        data = self.cleaned_data
        minutes = HoursField.minutes(data["hours"])
        assert MIN_MINUTES <= minutes <= MAX_MINUTES
        end_of_day = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59)))
        return ListingData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            improvement=data["improvement"],
            skills=list(data["skills"]),
            scope=data["scope"],
            mode=data["mode"],
            place=data["place"].strip(),
            estimated_minutes=minutes,
            expires_at=end_of_day,
            campaign=data["campaign"],
        )


class HideForm(forms.Form):
    reason = CleanTextField(
        label=_("Reason (the author will see it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: the author will see it.")},
    )


class CampaignForm(forms.Form):
    name = CleanCharField(
        label=_("Name"),
        max_length=120,
        error_messages={
            "required": _("Enter a name for the campaign, like ‘Falls month’."),
            "max_length": _("The campaign's name can be at most 120 characters."),
        },
    )
    description = CleanTextField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_on = forms.DateField(
        label=_("Starts on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date the campaign starts, like 1/3/2027."),
            "invalid": _("Enter a real date, like 1/3/2027."),
        },
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date the campaign ends, like 31/3/2027."),
            "invalid": _("Enter a real date, like 31/3/2027."),
        },
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name for the campaign, like ‘Falls month’."))
        if not slugify(name):
            raise forms.ValidationError(_("The name needs at least one letter or digit."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", _("The end date must be on or after the start date."))
            elif ends < timezone.localdate():
                self.add_error("ends_on", _("The end date must not be in the past."))
            elif ends - starts > timedelta(days=366):
                self.add_error("ends_on", _("A campaign lasts at most a year."))
        return data


class SearchForm(forms.Form):
    """The search page's filters, read from the query string so every search is a shareable link."""

    q = CleanCharField(
        label=_("Search words"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Search words can be at most 200 characters.")},
    )
    kind = forms.ChoiceField(
        label=_("Offers or requests"),
        required=False,
        choices=[("", _("Both")), ("offer", _("Offers")), ("request", _("Requests"))],
    )
    skill = forms.ModelMultipleChoiceField(
        label=_("QI skills"),
        required=False,
        queryset=Skill.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no QI skill called ‘%(value)s’.")},
    )
    community = forms.ModelChoiceField(
        label=_("Community (with its sub-communities)"),
        required=False,
        queryset=Community.objects.none(),
        to_field_name="slug",
        empty_label=_("All my communities"),
        error_messages={"invalid_choice": _("That community is not one whose listings you can see.")},
    )
    mode = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=[("", _("Any")), ("remote", _("Remote")), ("in_person", _("In person"))],
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        required=False,
        queryset=Campaign.objects.none(),
        to_field_name="slug",
        empty_label=_("Any"),
        error_messages={"invalid_choice": _("There is no such campaign.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Best match")), ("newest", _("Newest"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = visibility.visible_scope_ids(member)
        self.fields["community"].queryset = Community.objects.filter(pk__in=scopes).order_by(  # type: ignore[attr-defined]
            "kind", "name"
        )
        self.fields["campaign"].queryset = Campaign.objects.filter(community_id__in=scopes)  # type: ignore[attr-defined]
        self.fields["skill"].choices = self._skill_choices()  # type: ignore[attr-defined]

    @staticmethod
    def _skill_choices() -> list[tuple[str, list[tuple[str, str]]]]:
        categories = SkillCategory.objects.prefetch_related("skills").order_by("position", "name")
        return [(c.name, [(s.slug, s.name) for s in c.skills.all()]) for c in categories]
