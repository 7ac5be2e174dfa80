from django.contrib import admin

from .models import Committee, Directorate, Service


@admin.register(Directorate)
class DirectorateAdmin(admin.ModelAdmin):
    list_display = ["name", "corporate_director", "director_email"]
    search_fields = ["name"]
    autocomplete_fields = ["corporate_director"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "chairman_name", "chairman_email"]
    search_fields = ["name", "chairman_name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "directorate", "committee"]
    list_filter = ["directorate", "committee"]
    search_fields = ["name"]
    filter_horizontal = ["managers", "officers"]
    list_select_related = ["directorate", "committee"]
