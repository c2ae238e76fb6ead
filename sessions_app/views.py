from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def session_list(request):
    return render(request, "sessions_app/session_list.html")


session_detail = session_register = session_ics = calendar_feed = session_list
registration_confirm = registration_cancel = session_list
