"""Staff keep the skills taxonomy here; each save or delete leaves an audit row."""

from django.contrib import admin

from audit.admin import AuditedAdmin
from skills.models import Skill, SkillCategory


@admin.register(SkillCategory)
class SkillCategoryAdmin(AuditedAdmin[SkillCategory]):
    list_display = ["name", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(AuditedAdmin[Skill]):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
