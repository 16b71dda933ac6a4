from django.urls import path

from secretariat.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.body_list, name="body-list"),
    path("<slug:code>/", views.body_detail, name="body-detail"),
]
