from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def practice_list(request):
    return render(request, "practices/practice_list.html")
