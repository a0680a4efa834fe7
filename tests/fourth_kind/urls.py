from django.urls import path

from tests.fourth_kind import views

app_name = "datasets"

urlpatterns = [
    path("", views.DatasetListView.as_view(), name="list"),
    path("<slug:slug>/", views.DatasetDetailView.as_view(), name="detail"),
]
