from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("calendar.ics", views.SelectionCalendarView.as_view(), name="calendar"),
    path("<slug:slug>/calendar.ics", views.EventCalendarView.as_view(), name="ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
]
