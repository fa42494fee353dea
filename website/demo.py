"""Demo content for the public site: deterministic and idempotent.

`seed_website` looks everything up by slug (pages) or title (images) and only
creates what is missing, so running it again changes nothing.
"""

import io
import random
from datetime import date, timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .demo_content import ARTICLES, HOME, STANDARD_PAGES
from .models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    NavigationSettings,
    StandardPage,
)

COVERS = [
    {
        "title": "Demo cover: tide",
        "description": "Abstract art: soft waves in indigo and teal.",
        "colours": ((63, 79, 196), (38, 166, 154)),
        "shape": "waves",
        "seed": 11,
    },
    {
        "title": "Demo cover: orbit",
        "description": "Abstract art: overlapping circles on a violet-amber gradient.",
        "colours": ((92, 60, 180), (241, 163, 64)),
        "shape": "circles",
        "seed": 23,
    },
    {
        "title": "Demo cover: grid",
        "description": "Abstract art: a grid of tiles in blue and coral.",
        "colours": ((33, 97, 140), (232, 110, 90)),
        "shape": "tiles",
        "seed": 37,
    },
]
COVER_SIZE = (1600, 900)
FIRST_ARTICLE_DATE = date(2025, 1, 13)


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _cover_png(colours: tuple, shape: str, seed: int) -> bytes:
    """A deterministic abstract picture: a diagonal gradient plus simple shapes."""
    width, height = COVER_SIZE
    start, end = colours
    image = PILImage.new("RGB", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 4):
        draw.rectangle([x, 0, x + 3, height], fill=_mix(start, end, x / width))
    overlay = PILImage.new("RGBA", COVER_SIZE, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    rng = random.Random(seed)  # noqa: S311 - art, not security
    if shape == "circles":
        for _ in range(9):
            r = rng.randint(80, 320)
            cx, cy = rng.randint(0, width), rng.randint(0, height)
            shapes.ellipse(
                [cx - r, cy - r, cx + r, cy + r],
                fill=(255, 255, 255, rng.randint(25, 70)),
            )
    elif shape == "waves":
        for band in range(7):
            top = 150 + band * 110
            points = [(0, height)]
            for x in range(0, width + 40, 40):
                wobble = 50 * ((x // 40 + band * 3) % 7 - 3) / 3
                points.append((x, top + wobble))
            points.append((width, height))
            shapes.polygon(points, fill=(255, 255, 255, 18 + band * 4))
    else:
        step = 100
        for x in range(0, width, step):
            for y in range(0, height, step):
                if rng.random() < 0.35:
                    alpha = rng.randint(30, 90)
                    shapes.rounded_rectangle(
                        [x + 10, y + 10, x + step - 10, y + step - 10],
                        radius=18,
                        fill=(255, 255, 255, alpha),
                    )
    image = PILImage.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _seed_covers() -> list:
    Image = get_image_model()
    covers = []
    for spec in COVERS:
        image = Image.objects.filter(title=spec["title"]).first()
        if image is None:
            data = _cover_png(spec["colours"], spec["shape"], spec["seed"])
            slug = spec["title"].split(": ")[1]
            image = Image(title=spec["title"], description=spec["description"])
            image.file = ImageFile(io.BytesIO(data), name=f"demo-cover-{slug}.png")
            image.save()
        covers.append(image)
    return covers


def _home_page() -> HomePage:
    """The site's HomePage, created (and made the default site's root) if the
    data migration's one is gone, e.g. after a test flushed the database."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        slug = "home"
        if root.get_children().filter(slug=slug).exists():
            slug = "lyceum-home"
        home = root.add_child(instance=HomePage(title="Home", slug=slug))
    if not Site.objects.filter(root_page=home).exists():
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        else:
            site.root_page = home
            site.save()
    return home


def _child(parent: Page, model, slug: str, **fields):
    """The live child `slug` of `parent`, created and published if missing."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
    return page


def _link(page: Page | None = None, label: str = "", url: str = "") -> dict:
    return {
        "type": "link",
        "value": {"label": label, "page": page.pk if page else None, "url": url},
    }


@transaction.atomic
def seed_website(
    *, authors: list, sections: list = (), featured: list[Page] = ()
) -> dict:
    """Create the demo home page, articles, standard pages and navigation;
    return how many of each exist. `sections` (pages such as the course
    catalogue, or (label, url) pairs for app views) lead the header navigation
    and `featured` pages lead the home page's featured area, so other apps'
    demo content shows on the front page."""
    covers = _seed_covers()
    home = _home_page()
    index = _child(
        home,
        ArticleIndexPage,
        "articles",
        title="Articles",
        intro="<p>Practical ideas about learning well, from our instructors.</p>",
    )
    articles = {}
    for number, spec in enumerate(ARTICLES):
        author = authors[number % len(authors)] if authors else None
        article = ArticlePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if article is None:
            article = ArticlePage(
                slug=spec["slug"],
                title=spec["title"],
                intro=spec["intro"],
                author=author,
                date=FIRST_ARTICLE_DATE + timedelta(days=9 * number),
                cover_image=covers[spec["cover"] % len(covers)],
                body=spec["body"],
            )
            index.add_child(instance=article)
            article.tags.set(spec["tags"])
            article.save_revision().publish()
        articles[spec["slug"]] = article
    standard = {
        spec["slug"]: _child(
            home,
            StandardPage,
            spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            body=spec["body"],
        )
        for spec in STANDARD_PAGES
    }

    if not home.hero_title or not home.featured:
        home.hero_title = HOME["hero_title"]
        home.hero_lead = HOME["hero_lead"]
        home.hero_image = covers[1]
        home.hero_cta_label = HOME["hero_cta_label"]
        home.hero_cta_page = index
        home.featured_heading = HOME["featured_heading"]
        home.featured = [
            {"type": "item", "value": {"page": page.pk, "blurb": ""}}
            for page in [*featured, *(articles[s] for s in HOME["featured_slugs"])]
        ]
        home.join_heading = HOME["join_heading"]
        home.join_text = HOME["join_text"]
        home.save_revision().publish()

    for site in Site.objects.filter(root_page=home):
        navigation = NavigationSettings.for_site(site)
        if not navigation.header_links and not navigation.footer_links:
            navigation.header_links = [
                *(
                    _link(label=section[0], url=section[1])
                    if isinstance(section, tuple)
                    else _link(section)
                    for section in sections
                ),
                _link(index),
                _link(standard["about"], "About"),
            ]
            navigation.footer_links = [
                _link(standard["about"], "About"),
                _link(standard["community-guidelines"]),
                _link(label="Search", url="/search/"),
            ]
            navigation.footer_text = "Lyceum — learning together."
            navigation.save()

    return {
        "articles": ArticlePage.objects.child_of(index).count(),
        "standard pages": StandardPage.objects.descendant_of(home).count(),
        "cover images": len(covers),
    }
