"""Demo members for `make run`: one account per role, all logging in by e-mail.

Demo passwords (printed by the seed command, for local demos only):
  admin@lyceum.local                 lyceum-admin   (superuser)
  every other @lyceum.local account  lyceum-demo

Running the seed again creates nothing new and leaves what people changed in the
demo (names, avatars, everything they did) alone. It does restore what the
printed logins rely on: the documented password, an active account, a verified
primary e-mail address and the role's group membership."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User
from .services import member_set_roles

ADMIN_PASSWORD = "lyceum-admin"  # noqa: S105 - documented demo credential
DEMO_PASSWORD = "lyceum-demo"  # noqa: S105 - documented demo credential


@dataclass(frozen=True)
class DemoMember:
    role: str  # "admin", "instructor", "moderator" or "learner"
    email: str
    username: str
    first_name: str
    last_name: str
    title: str = ""  # shown before the name, e.g. "Dr."

    @property
    def display_name(self) -> str:
        return " ".join(filter(None, [self.title, self.first_name, self.last_name]))

    @property
    def password(self) -> str:
        return ADMIN_PASSWORD if self.role == "admin" else DEMO_PASSWORD


DEMO_MEMBERS = (
    DemoMember("admin", "admin@lyceum.local", "admin", "Lena", "Fischer"),
    DemoMember(
        "instructor", "instructor@lyceum.local", "amara", "Amara", "Okafor", "Dr."
    ),
    DemoMember("moderator", "moderator@lyceum.local", "kenji", "Kenji", "Watanabe"),
    DemoMember("learner", "linh.nguyen@lyceum.local", "linh", "Linh", "Nguyen"),
    DemoMember("learner", "jonas.weber@lyceum.local", "jonas", "Jonas", "Weber"),
    DemoMember("learner", "mei.chen@lyceum.local", "mei", "Mei", "Chen"),
    DemoMember("learner", "priya.raman@lyceum.local", "priya", "Priya", "Raman"),
    DemoMember("learner", "mateo.garcia@lyceum.local", "mateo", "Mateo", "García"),
    DemoMember(
        "learner", "fatima.alsayed@lyceum.local", "fatima", "Fatima", "Al-Sayed"
    ),
    DemoMember("learner", "tunde.adeyemi@lyceum.local", "tunde", "Tunde", "Adeyemi"),
)


@transaction.atomic
def seed_members() -> list[dict]:
    """Create (or repair) the demo members; returns their logins as
    ``{"email", "password", "role", "name"}`` dicts, in a fixed order."""
    logins = []
    for spec in DEMO_MEMBERS:
        user = _member_ensure(spec)
        logins.append(
            {
                "email": spec.email,
                "password": spec.password,
                "role": spec.role,
                "name": user.name,
            }
        )
    return logins


def _member_ensure(spec: DemoMember) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(
            username=spec.username,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            display_name=spec.display_name,
        )
        user.set_password(spec.password)
        user.full_clean()
        user.save()

    changed = []
    if not user.check_password(spec.password):
        user.set_password(spec.password)
        changed.append("password")
    if not user.is_active:
        user.is_active = True
        changed.append("is_active")
    is_admin = spec.role == "admin"
    if is_admin and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        changed += ["is_superuser", "is_staff"]
    if user.email.lower() != spec.email:
        user.email = spec.email
        changed.append("email")
    if changed:
        user.save(update_fields=changed)

    _verified_primary_email_ensure(user, spec.email)
    member_set_roles(
        user=user,
        instructor=spec.role == "instructor",
        moderator=spec.role == "moderator",
    )
    return user


def _verified_primary_email_ensure(user: User, email: str) -> None:
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return
    if not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(
            pk=address.pk
        ).update(primary=False)
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
