"""The words of the demo site: articles and standard pages as StreamField raw data.

Kept apart from website.demo (which does the creating) so the prose reads as prose.
"""

from textwrap import dedent


def p(*paragraphs: str) -> dict:
    html = "".join(f"<p>{' '.join(text.split())}</p>" for text in paragraphs)
    return {"type": "paragraph", "value": html}


def h(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level, "anchor": ""}}


def ul(*items: str) -> dict:
    html = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return {"type": "paragraph", "value": html}


def callout(kind: str, title: str, text: str) -> dict:
    return {
        "type": "callout",
        "value": {"kind": kind, "title": title, "body": f"<p>{text}</p>"},
    }


def quote(text: str, attribution: str) -> dict:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def code(language: str, source: str) -> dict:
    return {
        "type": "code",
        "value": {"language": language, "code": dedent(source).strip() + "\n"},
    }


ARTICLES = [
    {
        "slug": "spaced-repetition",
        "title": "Spaced repetition: remember more by reviewing less",
        "intro": (
            "Reviewing just before you would forget is the most efficient way to "
            "keep what you learn. Here is how spacing works and how to start."
        ),
        "tags": ["memory", "study techniques"],
        "cover": 0,
        "body": [
            p(
                """Most of us review the way we were taught at school: all at once,
                the night before it matters. It feels productive because the
                material is fresh, but a week later most of it is gone. Spaced
                repetition turns that around. Instead of one long session, you
                meet the same idea several times, with the gaps between meetings
                growing longer each time you remember it.""",
                """The reason it works is that recalling something which has
                started to fade strengthens the memory far more than re-reading
                something you still know. The small struggle is the point.""",
            ),
            h("How the intervals grow"),
            p(
                """A simple schedule is enough to begin: review a new card after
                one day, then three, then a week, then two weeks, then a month.
                Every time you fail a card, it goes back to the start. Software
                such as Anki does the bookkeeping for you, but a box of index
                cards and a few dividers works just as well."""
            ),
            code(
                "python",
                """
                from datetime import date, timedelta

                INTERVALS = [1, 3, 7, 14, 30]  # days


                def next_review(today: date, step: int, remembered: bool):
                    \"\"\"Return the next review date and the card's new step.\"\"\"
                    step = min(step + 1, len(INTERVALS) - 1) if remembered else 0
                    return today + timedelta(days=INTERVALS[step]), step
                """,
            ),
            callout(
                "tip",
                "Make cards small",
                "One fact or idea per card. If a card takes more than a few seconds "
                "to answer, split it in two.",
            ),
            h("What to put on cards"),
            p(
                """Spaced repetition is best for things you need to recall
                quickly and exactly: vocabulary, definitions, keyboard shortcuts,
                the arguments of a function you use every day. It is a poor fit
                for skills you can only learn by doing. Use it to free your
                attention for the interesting parts of a subject, not to replace
                them."""
            ),
        ],
    },
    {
        "slug": "retrieval-practice",
        "title": "Retrieval practice: test yourself before you feel ready",
        "intro": (
            "Pulling an answer out of memory teaches more than putting it in again. "
            "Quizzing yourself is not just measurement; it is learning."
        ),
        "tags": ["memory", "study techniques"],
        "cover": 1,
        "body": [
            p(
                """Re-reading your notes is comfortable. The words look familiar,
                and familiarity feels like knowing. Then the exam, the interview
                or the real project asks you to produce the idea without the page
                in front of you, and the familiarity turns out to have been
                recognition, not recall.""",
                """Retrieval practice means closing the book and trying to bring
                the idea back on your own: writing down everything you remember
                about a topic, answering questions, explaining it to a friend.
                Each successful retrieval makes the next one easier.""",
            ),
            h("Three ways to practise retrieval"),
            ul(
                "<b>Brain dumps.</b> After a lesson, spend five minutes writing "
                "everything you can remember, then check what you missed.",
                "<b>Questions before answers.</b> Turn headings into questions and "
                "answer them before reading the section.",
                "<b>Teach it.</b> Explain the idea aloud, to a person or to an empty "
                "room. The gaps become obvious.",
            ),
            quote(
                "The act of retrieving a memory changes the memory, making it "
                "easier to retrieve again.",
                "A summary of decades of testing-effect research",
            ),
            callout(
                "info",
                "Getting it wrong helps too",
                "Attempting an answer and then seeing the correct one leads to "
                "better learning than only studying the answer, even when the "
                "attempt was wrong.",
            ),
            p(
                """Start small: end each study session with three questions to
                yourself, and begin the next session by answering them."""
            ),
        ],
    },
    {
        "slug": "learn-python-by-building-projects",
        "title": "Learning Python by building small projects",
        "intro": (
            "Tutorials teach syntax; projects teach programming. Pick something "
            "small and useful, and let the problems tell you what to learn next."
        ),
        "tags": ["python", "projects", "programming"],
        "cover": 2,
        "body": [
            p(
                """There is a point in every beginner's journey where the next
                tutorial stops helping. You can follow along, but a blank file
                still feels impossible. The way out is to build something of your
                own, however small, and to learn exactly what it needs.""",
            ),
            h("Choose a project you would actually use"),
            p(
                """Good first projects are tiny and personal: a script that
                renames your photos by date, a tracker for the books you read, a
                program that tells you which of your plants need water today.
                Because you care about the result, you will push through the
                parts that are hard."""
            ),
            h("Start with the smallest version that works", "h3"),
            p(
                """Write the program in a few lines first, even if it is ugly.
                Here is a complete first version of a reading log that stores
                books in a CSV file:"""
            ),
            code(
                "python",
                """
                import csv
                import sys
                from pathlib import Path

                LOG = Path("books.csv")


                def add(title: str, author: str) -> None:
                    with LOG.open("a", newline="") as file:
                        csv.writer(file).writerow([title, author])


                def show() -> None:
                    if not LOG.exists():
                        print("No books yet.")
                        return
                    with LOG.open(newline="") as file:
                        for number, (title, author) in enumerate(csv.reader(file), 1):
                            print(f"{number}. {title} by {author}")


                if __name__ == "__main__":
                    if len(sys.argv) == 3:
                        add(sys.argv[1], sys.argv[2])
                    show()
                """,
            ),
            callout(
                "tip",
                "Let the next feature choose the next lesson",
                "Want to search your books? Now is the time to learn about list "
                "comprehensions. Want a web page? Now is the time for a small "
                "framework. You will remember what you needed far better than "
                "what you were told.",
            ),
            p(
                """When you get stuck, write down what you expected and what
                happened instead before asking for help. Half the time, writing
                it down is enough to see the problem."""
            ),
        ],
    },
    {
        "slug": "how-to-ask-a-good-question",
        "title": "How to ask a good question in a learning community",
        "intro": (
            "A well-asked question gets a faster, better answer and teaches you "
            "something while you write it. Here is a short checklist."
        ),
        "tags": ["community", "asking for help"],
        "cover": 0,
        "body": [
            p(
                """Asking for help is a skill, and like any skill it improves with
                practice. The people who answer questions in a community are
                volunteers. The easier you make it for them to understand your
                problem, the more likely you are to get a useful answer."""
            ),
            h("Before you post"),
            ul(
                "Search the forum and the course notes: your question may already "
                "have an answer.",
                "Try to reduce the problem to the smallest example that still shows "
                "it.",
                "Write down what you expected to happen and what happened instead.",
            ),
            h("Writing the question"),
            p(
                """Use a title that describes the problem, not your feelings about
                it: “Loop prints the last item twice” is better than “Help,
                nothing works!”. In the body, say what you are trying to achieve,
                show what you tried, and include the exact error message as text
                rather than a screenshot, so others can search for it."""
            ),
            callout(
                "warning",
                "Never paste secrets",
                "Remove passwords, API keys and personal data from code and logs "
                "before you share them.",
            ),
            quote(
                "A question well stated is a question half answered.",
                "Often attributed to John Dewey",
            ),
            p(
                """When you get an answer, say whether it worked and mark it as
                accepted. The next person with the same problem will thank you."""
            ),
        ],
    },
    {
        "slug": "deliberate-practice",
        "title": "Deliberate practice: getting better on purpose",
        "intro": (
            "Hours alone do not make an expert. Practice that targets a specific "
            "weakness, with quick feedback, does."
        ),
        "tags": ["practice", "skills"],
        "cover": 1,
        "body": [
            p(
                """Think of two people who have both played the piano for ten
                years. One plays the pieces they already know, every evening,
                for pleasure. The other spends twenty minutes a day on the
                passages they cannot yet play, slowly, with a metronome. After
                ten years they are at very different levels.""",
                """The second person is doing what researchers call deliberate
                practice: effortful work at the edge of your ability, aimed at a
                specific goal, with feedback that tells you how you are doing.""",
            ),
            h("The ingredients"),
            ul(
                "<b>A clear, narrow goal</b> for each session: not “get better at "
                "SQL” but “write joins across three tables without looking them "
                "up”.",
                "<b>Immediate feedback</b>: tests that pass or fail, a mentor's "
                "review, a recording of yourself.",
                "<b>Repetition with adjustment</b>: try, see what went wrong, try "
                "again differently.",
            ),
            callout(
                "info",
                "It is supposed to feel hard",
                "If practice feels easy and pleasant, you are probably rehearsing "
                "what you can already do. That has its place, but it is not where "
                "most improvement happens.",
            ),
            p(
                """Because it is tiring, deliberate practice works best in short,
                focused blocks. Twenty-five minutes of real concentration often
                beats an afternoon of half-attention."""
            ),
        ],
    },
    {
        "slug": "note-taking-that-helps-you-learn",
        "title": "Note-taking that helps you learn, not just record",
        "intro": (
            "Copying slides is not studying. Notes help when they make you "
            "think: summarise, connect and question as you write."
        ),
        "tags": ["study techniques", "notes"],
        "cover": 2,
        "body": [
            p(
                """It is possible to fill a notebook during a lecture and learn
                almost nothing, because transcribing needs attention but no
                understanding. Useful notes are written in your own words, and
                writing in your own words forces you to work out what was
                meant."""
            ),
            h("A simple structure"),
            p(
                """Divide the page into three parts. In the main column, write
                short notes during the lesson. Afterwards, in a narrow column
                beside it, write a question that each note answers. At the
                bottom, summarise the whole page in two or three sentences. The
                questions double as retrieval practice later: cover the notes and
                answer them."""
            ),
            h("Link new ideas to old ones", "h3"),
            p(
                """The most valuable note is often a connection: “this is like
                the caching we saw last week” or “this contradicts what the
                textbook said”. Connections are what turn separate facts into
                understanding you can use."""
            ),
            callout(
                "tip",
                "Review within a day",
                "Spend ten minutes with your notes the same evening: fill gaps, "
                "fix what you misheard and write the summary while you still "
                "remember the lesson.",
            ),
        ],
    },
    {
        "slug": "staying-motivated-in-online-courses",
        "title": "Staying motivated in online courses",
        "intro": (
            "Most people who start an online course never finish it. A few habits "
            "make finishing far more likely."
        ),
        "tags": ["motivation", "habits", "online learning"],
        "cover": 0,
        "body": [
            p(
                """Online courses remove almost every obstacle to starting: no
                commute, no fixed timetable, no cost to try. They also remove most
                of what keeps people going: a class that expects you, a teacher
                who notices when you are missing, a date on which it ends."""
            ),
            h("Make a plan you can keep"),
            p(
                """Decide when you will study, not just how much. “Tuesday and
                Thursday at 7 pm, for forty minutes” survives a busy week far
                better than “three hours a week”. Put it in your calendar as you
                would a meeting."""
            ),
            h("Learn with other people"),
            p(
                """Join the course discussion, find a study partner or share what
                you built this week. Other people make it more likely you will
                come back, and explaining your progress is a small, useful act of
                retrieval."""
            ),
            quote(
                "We are what we repeatedly do.",
                "Will Durant, summarising Aristotle",
            ),
            callout(
                "info",
                "Streaks are a tool, not a verdict",
                "Missing a day does not undo your progress. If you break a streak, "
                "the only thing that matters is the next session.",
            ),
            p(
                """Finally, keep the reason you started somewhere visible. On a
                tired evening, remembering why you wanted the skill is often
                enough to open the next lesson."""
            ),
        ],
    },
    {
        "slug": "the-forgetting-curve",
        "title": "The forgetting curve, and what to do about it",
        "intro": (
            "We forget quickly at first and then more slowly. Knowing the shape of "
            "forgetting tells you when reviewing pays off most."
        ),
        "tags": ["memory", "research"],
        "cover": 1,
        "body": [
            p(
                """In the 1880s, Hermann Ebbinghaus memorised lists of nonsense
                syllables and tested himself after different delays. He found that
                memory fades steeply in the first hours and days, then levels off.
                Later studies with more meaningful material found the same shape,
                even if the numbers differ.""",
            ),
            h("Why the shape matters"),
            p(
                """If most forgetting happens early, an early review is worth a
                lot. A short review the day after a lesson catches ideas just as
                they begin to slip, and each later review flattens the curve a
                little more. That is the reasoning behind spaced repetition."""
            ),
            callout(
                "warning",
                "Beware of neat percentages",
                "You may see claims that we forget exactly 70% of something in a "
                "day. Real forgetting depends on the material, on how well it was "
                "learned and on the person; treat such numbers as illustrations.",
            ),
            h("What helps you forget less", "h3"),
            ul(
                "Meaning: material you understand fades slower than material you "
                "memorised by rote.",
                "Retrieval: testing yourself slows forgetting more than re-reading.",
                "Sleep: memories are consolidated overnight, so late-night cramming "
                "works against itself.",
            ),
        ],
    },
]

STANDARD_PAGES = [
    {
        "slug": "about",
        "title": "About Lyceum",
        "intro": (
            "Lyceum is a place to learn with other people: courses, articles and a "
            "community that answers questions kindly."
        ),
        "body": [
            p(
                """Lyceum started from a simple observation: people learn best when
                they practise, get feedback and have others around who are
                learning too. So alongside courses and articles, Lyceum has a
                community at its centre, where you can ask questions, show what
                you built and help the next person along.""",
                """The site adapts to you. Tell it what you want to learn and how
                much time you have, and it suggests a path, reminds you when it is
                time to review and celebrates the progress you make.""",
            ),
            h("Open source"),
            p(
                """Lyceum is open-source software built on Django and Wagtail. You
                can run it for your own school, company or study group."""
            ),
        ],
    },
    {
        "slug": "community-guidelines",
        "title": "Community guidelines",
        "intro": (
            "A few rules that keep Lyceum a friendly place to ask, answer and learn."
        ),
        "body": [
            p(
                """Everyone here is learning something. The guidelines below exist
                so that asking a beginner's question never feels risky, and so that
                answers stay useful for the people who read them later."""
            ),
            h("Be kind"),
            ul(
                "Assume good intent, and answer the question that was asked.",
                "Criticise ideas and code, never people.",
                "No harassment, discrimination or personal attacks, ever.",
            ),
            h("Be helpful"),
            ul(
                "Search before you ask, and say what you have already tried.",
                "Explain why an answer works, not just what to type.",
                "Mark the answer that solved your problem as accepted.",
            ),
            callout(
                "warning",
                "Keep personal data private",
                "Do not post anyone's contact details, passwords or private "
                "messages. Moderators remove such posts without notice.",
            ),
            h("Moderation"),
            p(
                """Moderators are community members who volunteer their time. Use
                the report button if something breaks these guidelines; a
                moderator will review it. Repeated or serious breaches lead to a
                suspension."""
            ),
        ],
    },
]

HOME = {
    "hero_title": "Learn together, at your own pace",
    "hero_lead": (
        "Courses, practical articles and a community of people who like to learn. "
        "Ask questions, share what you build and keep going."
    ),
    "hero_cta_label": "Read the articles",
    "featured_heading": "Start here",
    "featured_slugs": [
        "spaced-repetition",
        "learn-python-by-building-projects",
        "how-to-ask-a-good-question",
    ],
    "join_heading": "Learning sticks better with company",
    "join_text": (
        "Create a free account to follow courses, track your progress, and ask "
        "the community when you are stuck."
    ),
}
