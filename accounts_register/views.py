from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Service


@login_required
def service_list(request):
    """The services a person may see: their own, their directorate's, or all for Communications."""
    services = (
        Service.objects.visible_to(request.user)
        .select_related("directorate__corporate_director", "committee")
        .order_by("directorate__name", "name")
    )
    return render(request, "accounts_register/service_list.html", {"services": services})
