from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def directory(request):
    return render(request, "networks/directory.html")


@require_GET
def join(request):
    return render(request, "networks/join.html")
