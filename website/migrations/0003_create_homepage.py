"""Replace Wagtail's "Welcome" page with a HomePage as the default site's root,
so a fresh `migrate` serves a working home page (as `wagtail start` does)."""

from django.db import migrations

ROOT_PATH = "0001"
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_child_path(Page):
    """Treebeard's path for a new last child of the root (historical models have
    no treebeard API)."""
    last = (
        Page.objects.filter(depth=2, path__startswith=ROOT_PATH)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    if last is None:
        return ROOT_PATH + "0001"
    number = int(last[-STEPLEN:], 36) + 1
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return ROOT_PATH + digits.rjust(STEPLEN, "0")


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("website.HomePage")

    if HomePage.objects.exists():
        return  # already done (or an editor made one): nothing to replace
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return  # no page tree at all (e.g. a flushed test database)

    homepage_type, _ = ContentType.objects.get_or_create(
        app_label="website", model="homepage"
    )
    welcome = Page.objects.filter(
        content_type__app_label="wagtailcore",
        content_type__model="page",
        depth=2,
        slug="home",
        numchild=0,
    ).first()
    if welcome is not None:
        path, locale_id = welcome.path, welcome.locale_id
        # Deleting the page also deletes the Site rooted at it (CASCADE); one is
        # created again below. The root's numchild is unchanged: one child out,
        # one child in.
        welcome.delete()
    else:
        path = _next_child_path(Page)
        locale_id = (Locale.objects.order_by("pk").values_list("pk", flat=True)).first()
        root.numchild += 1
        root.save(update_fields=["numchild"])

    slug = "home"
    if Page.objects.filter(depth=2, slug=slug).exists():
        slug = "lyceum-home"
    homepage = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug=slug,
        content_type=homepage_type,
        path=path,
        depth=2,
        numchild=0,
        url_path=f"/{slug}/",
        locale_id=locale_id,
        live=True,
        hero_title="Learn together, at your own pace",
        hero_lead=(
            "Courses, articles and a community of people who like to learn. "
            "Ask questions, share what you build and keep going."
        ),
    )

    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost",
            port=80,
            site_name="Lyceum",
            root_page=homepage,
            is_default_site=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0002_pages_and_navigation"),
        ("wagtailcore", "0098_apitoken"),
    ]

    # Not reversed: deleting the home page on the way back would orphan every page
    # editors have created beneath it.
    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
