"""Member registry URLs; each views module declares its own patterns."""

app_name = "members"
urlpatterns: list = []
