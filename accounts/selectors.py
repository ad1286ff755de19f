from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

User = get_user_model()


def user_list(*, search: str = "", role: str = "") -> QuerySet:
    users = User.objects.prefetch_related("groups").order_by("first_name", "last_name", "username")
    if search.strip():
        text = search.strip()
        users = users.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    if role:
        users = users.filter(groups__name=role)
    return users
