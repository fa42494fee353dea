# ruff: noqa: E501 - prose: one lesson paragraph per line reads and diffs best
"""The demo catalogue's content: topics, skills and courses with real lessons.

Plain data, read by `courses.demo.seed_courses`. Block ids derive from slugs so
seeding again (or on another machine) gives the same question and choice ids."""

TOPICS = [
    (
        "data-science",
        "Data science",
        "Working with data: analysis, statistics, models.",
    ),
    ("web-development", "Web development", "Building for the web, front to back."),
    ("design", "Design", "Visual and interaction design for screens."),
]

# slug, topic, name, description, prerequisite slugs
SKILLS = [
    ("python-basics", "data-science", "Python basics", "Variables, lists, loops and functions.", []),
    ("data-wrangling", "data-science", "Data wrangling", "Cleaning and reshaping tables with pandas.", ["python-basics"]),
    ("descriptive-statistics", "data-science", "Descriptive statistics", "Summarising data with averages and spread.", []),
    ("data-visualisation", "data-science", "Data visualisation", "Choosing and drawing honest charts.", ["data-wrangling"]),
    ("statistical-inference", "data-science", "Statistical inference", "Confidence intervals and tests.", ["descriptive-statistics"]),
    ("machine-learning-basics", "data-science", "Machine learning basics", "Training and evaluating simple models.", ["statistical-inference", "data-wrangling"]),
    ("html-css", "web-development", "HTML and CSS", "Structuring and styling web pages.", []),
    ("http-fundamentals", "web-development", "HTTP fundamentals", "Requests, responses, status codes, caching.", []),
    ("web-accessibility", "web-development", "Web accessibility", "Building pages everyone can use.", ["html-css"]),
    ("typography", "design", "Typography", "Choosing and setting type for reading.", []),
    ("colour-theory", "design", "Colour theory", "Hue, contrast and palettes.", []),
    ("user-research", "design", "User research", "Interviews, observation and synthesis.", []),
]  # fmt: skip


def _q(kind, prompt, explain, *, skills=(), difficulty=2, **fields):
    return {"kind": kind, "prompt": prompt, "explain": explain, "skills": list(skills),
            "difficulty": difficulty, **fields}  # fmt: skip


COURSES = [
    {
        "slug": "python-for-data-analysis",
        "title": "Python for Data Analysis",
        "topic": "data-science",
        "level": "beginner",
        "hours": 6,
        "formats": ["text", "hands-on"],
        "summary": "Load, clean and summarise real tables with Python and pandas, from your first variable to a tidy report.",
        "outcomes": ["Write small Python programs with lists, loops and functions", "Load a CSV file into a pandas DataFrame", "Filter, group and summarise a table"],
        "roles": "analysts, researchers, anyone who lives in spreadsheets",
        "stage": "early",
        "skills": ["python-basics", "data-wrangling"],
        "prerequisite_skills": [],
        "modules": [
            ("Python in one afternoon", [
                ("values-and-variables", "Values and variables", 15, [
                    "A Python program is a list of instructions that work on values: numbers such as 42 or 3.5, text such as \"Lisbon\", and the two truth values True and False. A variable is a name you give to a value so you can use it again: after price = 12.5, the name price stands for 12.5 until you assign something else.",
                    "Names should say what they hold. total_cost tells the next reader (often you, next month) far more than x. Python is case-sensitive, so Total and total are different names.",
                ], None),
                ("lists-and-loops", "Lists and loops", 20, [
                    "A list keeps values in order: temperatures = [18, 21, 19]. You reach an item by its position, counting from zero, so temperatures[0] is 18. A for loop runs the same instructions once for every item: for t in temperatures: print(t).",
                    "Most data work is a loop in disguise: add up every amount, keep the rows that match, convert every date. Once you can read a loop, the tools built on top of it stop being magic.",
                ], None),
            ]),
            ("Tables with pandas", [
                ("dataframes", "Your first DataFrame", 25, [
                    "pandas gives Python a table type, the DataFrame: named columns, one row per record. pd.read_csv(\"sales.csv\") reads a file into one, and df.head() shows the first five rows so you can check the import worked.",
                    "Selecting is done by column name and condition: df[df[\"region\"] == \"North\"] keeps the northern rows; df.groupby(\"region\")[\"amount\"].sum() adds up the amounts per region. Each step returns a new table, so you can chain them and inspect every stage.",
                ], {
                    "pass_mark": 60, "attempts": 0, "shuffle": False,
                    "questions": [
                        _q("single", "After <code>temperatures = [18, 21, 19]</code>, what is <code>temperatures[1]</code>?",
                           "Positions count from zero, so position 1 is the second item, 21.",
                           skills=["python-basics"], difficulty=1,
                           choices=[("18", False), ("21", True), ("19", False)]),
                        _q("multiple", "Which of these return a new table rather than changing <code>df</code> in place?",
                           "Filtering and grouping both build new tables; printing only shows the first rows.",
                           skills=["data-wrangling"],
                           choices=[("df[df[\"region\"] == \"North\"]", True), ("df.groupby(\"region\")[\"amount\"].sum()", True), ("print(df.head())", False)]),
                        _q("text", "Which pandas function reads a comma-separated file? (name only)",
                           "<code>pd.read_csv</code> reads CSV files; there are siblings such as <code>read_excel</code> for other formats.",
                           skills=["data-wrangling"], accepted=["read_csv", "pd.read_csv", "pandas.read_csv"]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "statistics-essentials",
        "title": "Statistics Essentials",
        "topic": "data-science",
        "level": "beginner",
        "hours": 8,
        "formats": ["text", "video"],
        "summary": "Averages, spread and the shape of data: the statistics you need to read a report critically and describe your own data honestly.",
        "outcomes": ["Choose between mean and median for a data set", "Compute and interpret a standard deviation", "Spot skewed data and outliers"],
        "roles": "managers, journalists, new analysts",
        "stage": "",
        "skills": ["descriptive-statistics"],
        "prerequisite_skills": [],
        "modules": [
            ("Describing the middle", [
                ("mean-and-median", "Mean and median", 20, [
                    "The mean adds up all values and divides by how many there are; the median is the middle value once they are sorted. For 2, 3, 3, 4 and 40 the mean is 10.4 but the median is 3: one large value pulls the mean and leaves the median alone.",
                    "Use the median when a few extreme values would mislead, as with incomes or house prices; use the mean when every unit counts equally towards a total, as with average spend per customer.",
                ], None),
                ("spread", "How spread out is it?", 20, [
                    "Two classes can share an average mark of 65 and still be very different: one where everyone scored 60 to 70, another with marks from 20 to 100. The standard deviation measures that spread: roughly, how far a typical value sits from the mean.",
                    "The interquartile range, the distance between the 25th and 75th percentiles, describes the middle half of the data and, like the median, ignores outliers.",
                ], None),
            ]),
            ("Shape and surprises", [
                ("skew-and-outliers", "Skew and outliers", 25, [
                    "Data is skewed when one tail is longer than the other. Waiting times are right-skewed: most are short, a few are very long, and the mean ends up above the median.",
                    "An outlier is a value far from the rest. Check it before you remove it: it may be a typo, or it may be the most interesting row in the table.",
                ], {
                    "pass_mark": 70, "attempts": 3, "shuffle": True,
                    "questions": [
                        _q("numeric", "What is the median of 7, 1, 9, 3, 5?",
                           "Sorted, the values are 1, 3, 5, 7, 9; the middle one is 5.",
                           skills=["descriptive-statistics"], difficulty=1, answer="5", tolerance="0", unit=""),
                        _q("numeric", "What is the mean of 2, 3, 3, 4 and 40?",
                           "The sum is 52 and there are five values: 52 / 5 = 10.4.",
                           skills=["descriptive-statistics"], answer="10.4", tolerance="0.05", unit=""),
                        _q("single", "Incomes in a town are strongly right-skewed. Which average describes a typical resident best?",
                           "A few very high incomes pull the mean up; the median stays with the typical resident.",
                           skills=["descriptive-statistics"], difficulty=2,
                           choices=[("The mean", False), ("The median", True), ("The maximum", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "data-visualisation-that-works",
        "title": "Data Visualisation That Works",
        "topic": "data-science",
        "level": "intermediate",
        "hours": 5,
        "formats": ["text", "video", "hands-on"],
        "summary": "Pick the right chart, cut the clutter and make the point obvious: practical charting with pandas and matplotlib.",
        "outcomes": ["Match a question to a chart type", "Remove chart junk", "Label charts so they stand alone"],
        "roles": "analysts, product managers",
        "stage": "mid",
        "skills": ["data-visualisation"],
        "prerequisite_skills": ["data-wrangling"],
        "prerequisite_courses": ["python-for-data-analysis"],
        "modules": [
            ("Choosing a chart", [
                ("question-first", "Start from the question", 15, [
                    "A chart answers a question. Comparing amounts across categories calls for a bar chart; change over time for a line chart; the relation between two measures for a scatter plot. Decide the question before you open the plotting library.",
                    "Pie charts compare parts of a whole, but people judge angles poorly. With more than three slices, a sorted bar chart is almost always clearer.",
                ], None),
                ("less-ink", "Less ink, more meaning", 20, [
                    "Every line, colour and label should earn its place. Remove heavy gridlines, 3-D effects and legends that could be direct labels.",
                    "Use one accent colour to point at what matters and grey for the rest: the reader's eye goes where the contrast is.",
                ], None),
            ]),
            ("Honest charts", [
                ("axes", "Axes that tell the truth", 20, [
                    "A bar's length encodes its value, so bar charts must start at zero; otherwise a 2 % difference can look like a doubling. Line charts may zoom in, because they show change rather than size.",
                    "Label axes with units and give the chart a title that states the finding, such as \"Sales doubled after the redesign\", not just \"Sales\".",
                ], {
                    "pass_mark": 70, "attempts": 0, "shuffle": False,
                    "questions": [
                        _q("single", "You want to show monthly active users over two years. Which chart?",
                           "Change over time reads best as a line chart.",
                           skills=["data-visualisation"], difficulty=1,
                           choices=[("Pie chart", False), ("Line chart", True), ("Scatter plot", False)]),
                        _q("multiple", "Which of these make a bar chart misleading?",
                           "Bars must start at zero; 3-D perspective distorts lengths. Sorting bars helps the reader.",
                           skills=["data-visualisation"], difficulty=2,
                           choices=[("A y-axis that starts at 90", True), ("3-D bars", True), ("Bars sorted by value", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "machine-learning-foundations",
        "title": "Machine Learning Foundations",
        "topic": "data-science",
        "level": "advanced",
        "hours": 24,
        "formats": ["text", "video", "live"],
        "summary": "How models learn from data, how to tell whether they work, and why a model that is perfect on its training data is usually wrong.",
        "outcomes": ["Split data into training and test sets", "Explain overfitting", "Evaluate a classifier with precision and recall"],
        "roles": "data analysts moving into data science",
        "stage": "mid",
        "skills": ["machine-learning-basics"],
        "prerequisite_skills": ["statistical-inference", "data-wrangling"],
        "prerequisite_courses": ["statistics-essentials"],
        "modules": [
            ("Learning from examples", [
                ("what-is-a-model", "What is a model?", 25, [
                    "A model is a function with adjustable settings, its parameters. Training searches for the parameters that make the model's outputs match known answers in historical data.",
                    "A straight line y = a·x + b is already a model: training picks a and b so the line passes as close as possible to the points.",
                ], None),
                ("train-and-test", "Training and test data", 25, [
                    "A model is only useful on data it has not seen. Keep part of your data aside, the test set, and never let training touch it; its score is your honest estimate.",
                    "Overfitting is learning the noise in the training data: the model scores brilliantly on what it memorised and poorly on anything new.",
                ], None),
            ]),
            ("Measuring success", [
                ("precision-recall", "Precision and recall", 30, [
                    "For a spam filter, precision is the share of messages flagged as spam that really are spam; recall is the share of all spam that got flagged.",
                    "Raising the threshold usually trades recall for precision. Which matters more depends on the cost of each mistake: a missed fraud case or an angry customer wrongly blocked.",
                ], {
                    "pass_mark": 70, "attempts": 2, "shuffle": False,
                    "questions": [
                        _q("numeric", "A filter flags 50 messages; 40 are spam. What is its precision, in percent?",
                           "Precision = true positives / flagged = 40 / 50 = 80 %.",
                           skills=["machine-learning-basics"], difficulty=2, answer="80", tolerance="0.5", unit="%"),
                        _q("single", "A model scores 99 % on training data and 62 % on the test set. What is the likeliest problem?",
                           "A large gap between training and test scores is the signature of overfitting.",
                           skills=["machine-learning-basics"], difficulty=2,
                           choices=[("Underfitting", False), ("Overfitting", True), ("Too much test data", False)]),
                        _q("text", "What do we call the data kept aside to estimate performance on unseen cases? (two words)",
                           "The <b>test set</b> (or test data) is never used in training.",
                           skills=["machine-learning-basics"], difficulty=1, accepted=["test set", "test data", "holdout set"]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "html-and-css-from-scratch",
        "title": "HTML and CSS from Scratch",
        "topic": "web-development",
        "level": "beginner",
        "hours": 4,
        "formats": ["text", "hands-on"],
        "summary": "Write your first web page by hand: structure with HTML, style with CSS, and understand what the browser does with both.",
        "outcomes": ["Structure a page with semantic HTML", "Style text and layout with CSS", "Use the browser's developer tools"],
        "roles": "career changers, designers, content editors",
        "stage": "changer",
        "skills": ["html-css"],
        "prerequisite_skills": [],
        "modules": [
            ("Structure", [
                ("elements", "Elements and tags", 15, [
                    "HTML describes what each part of a page is: <h1> marks the main heading, <p> a paragraph, <a href=\"…\"> a link. The browser uses that meaning for display, for search engines and for screen readers.",
                    "Choose elements for meaning, not looks: a <button> is focusable and works with the keyboard; a <div> styled like a button is not.",
                ], None),
                ("page-skeleton", "The page skeleton", 15, [
                    "Every page has a <head> with information about the page, such as its title, and a <body> with what people see. Landmarks such as <header>, <nav>, <main> and <footer> let assistive technology jump between regions.",
                    "Validate early: one unclosed tag can shift the whole layout.",
                ], None),
            ]),
            ("Style", [
                ("selectors-and-boxes", "Selectors and the box model", 25, [
                    "A CSS rule pairs a selector with declarations: p { line-height: 1.5; } sets the line height of every paragraph. Classes (.card) target chosen elements without changing the HTML structure.",
                    "Every element is a box: content, padding, border and margin, from the inside out. Most layout puzzles are solved by inspecting those four layers in the developer tools.",
                ], {
                    "pass_mark": 70, "attempts": 0, "shuffle": True,
                    "questions": [
                        _q("single", "Which element should wrap the main content of a page?",
                           "<code>&lt;main&gt;</code> is the landmark for the page's main content; there should be one per page.",
                           skills=["html-css"], difficulty=1,
                           choices=[("<section>", False), ("<main>", True), ("<div id=\"main\">", False)]),
                        _q("multiple", "Which layers make up the CSS box model?",
                           "From the inside out: content, padding, border, margin. Outline is drawn outside the box and takes no space.",
                           skills=["html-css"],
                           choices=[("padding", True), ("border", True), ("margin", True), ("outline", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "how-the-web-works",
        "title": "How the Web Works: HTTP",
        "topic": "web-development",
        "level": "intermediate",
        "hours": 3,
        "formats": ["text"],
        "summary": "What happens between typing an address and seeing a page: requests, responses, status codes and caching.",
        "outcomes": ["Read an HTTP request and response", "Choose the right status code", "Explain browser caching"],
        "roles": "junior developers, QA engineers",
        "stage": "early",
        "skills": ["http-fundamentals"],
        "prerequisite_skills": [],
        "modules": [
            ("Requests and responses", [
                ("anatomy", "Anatomy of a request", 20, [
                    "A browser sends a request: a method such as GET or POST, a path, and headers describing what it accepts. The server answers with a status code, headers and usually a body.",
                    "GET must not change anything on the server, so browsers and caches may repeat it freely; changes go through POST, PUT, PATCH or DELETE.",
                ], None),
                ("status-codes", "Status codes", 15, [
                    "The first digit says who is responsible: 2xx success, 3xx go elsewhere, 4xx the client made a mistake, 5xx the server failed.",
                    "404 means the resource does not exist; 403 that it exists but you may not see it; 500 that the server broke while handling a valid request.",
                ], None),
            ]),
            ("Speed", [
                ("caching", "Caching", 20, [
                    "Cache-Control headers tell browsers how long they may reuse a response without asking again. Versioned file names (app.3f9a.css) let static files be cached for a year safely.",
                    "A conditional request with If-None-Match lets the server answer 304 Not Modified instead of resending the whole body.",
                ], {
                    "pass_mark": 60, "attempts": 3, "shuffle": False,
                    "questions": [
                        _q("numeric", "Which status code means \"Not Modified\"?",
                           "304 tells the browser to use its cached copy.",
                           skills=["http-fundamentals"], difficulty=2, answer="304", tolerance="0", unit=""),
                        _q("single", "A form submission creates an order. Which method should it use?",
                           "Creating something changes server state, so it must not be a GET; POST is the usual choice.",
                           skills=["http-fundamentals"], difficulty=1,
                           choices=[("GET", False), ("POST", True), ("HEAD", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "accessible-web-interfaces",
        "title": "Accessible Web Interfaces",
        "topic": "web-development",
        "level": "advanced",
        "hours": 10,
        "formats": ["text", "video", "live", "hands-on"],
        "summary": "A cohort course on building interfaces that work with keyboards, screen readers and zoom, tested against WCAG 2.2.",
        "outcomes": ["Audit a page against WCAG 2.2 AA", "Build keyboard-accessible widgets", "Test with a screen reader"],
        "roles": "front-end developers, designers",
        "stage": "senior",
        "skills": ["web-accessibility"],
        "prerequisite_skills": ["html-css"],
        "prerequisite_courses": ["html-and-css-from-scratch"],
        "cohort": ("2027-03-01", "2027-04-30"),
        "modules": [
            ("Foundations", [
                ("why-accessibility", "Who we build for", 20, [
                    "About one in six people lives with a significant disability, and everyone has situational limits: a broken arm, bright sunlight, a noisy train. Accessible interfaces serve all of them.",
                    "WCAG organises requirements under four principles: content must be perceivable, operable, understandable and robust.",
                ], None),
                ("keyboard", "Keyboard first", 25, [
                    "Everything that works with a mouse must work with a keyboard: Tab moves focus, Enter and Space activate, Escape closes. Never remove the focus outline without providing a better one.",
                    "Native elements come with keyboard support built in; custom widgets need it added by hand, with the matching ARIA roles.",
                ], None),
            ]),
            ("Checking your work", [
                ("contrast-and-zoom", "Contrast and zoom", 20, [
                    "Body text needs a contrast ratio of at least 4.5:1 against its background (3:1 for large text). Test pages at 200 % zoom and at 320 px wide: nothing should be cut off.",
                    "Colour must never be the only signal: add text or an icon to the red border of an invalid field.",
                ], {
                    "pass_mark": 70, "attempts": 2, "shuffle": False,
                    "questions": [
                        _q("numeric", "What minimum contrast ratio does WCAG AA require for body text? (the first number of x:1)",
                           "AA requires 4.5:1 for normal text and 3:1 for large text.",
                           skills=["web-accessibility"], difficulty=2, answer="4.5", tolerance="0", unit=":1"),
                        _q("multiple", "Which keys should operate a custom button?",
                           "Buttons activate with Enter and Space; Tab only moves focus to them.",
                           skills=["web-accessibility"], difficulty=3,
                           choices=[("Enter", True), ("Space", True), ("Tab", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "typography-for-screens",
        "title": "Typography for Screens",
        "topic": "design",
        "level": "beginner",
        "hours": 3,
        "formats": ["text", "video"],
        "summary": "Make text comfortable to read: typefaces, sizes, line length and spacing for phones and desktops.",
        "outcomes": ["Pick a readable body typeface", "Set line length and line height", "Build a simple type scale"],
        "roles": "designers, developers, content writers",
        "stage": "",
        "skills": ["typography"],
        "prerequisite_skills": [],
        "modules": [
            ("Reading comfort", [
                ("measure", "Line length", 15, [
                    "The measure is the length of a line of text. Around 45 to 75 characters per line is comfortable; longer lines make the eye lose its place on the way back.",
                    "On wide screens, limit the text column rather than stretching it: a max-width in ch units keeps the measure steady.",
                ], None),
                ("leading", "Line height", 10, [
                    "Line height (leading) gives lines room to breathe. Body text usually reads best at 1.4 to 1.6 times the font size; headings need less.",
                    "Longer lines need a little more leading, short captions a little less.",
                ], None),
            ]),
            ("Hierarchy", [
                ("type-scale", "A type scale", 20, [
                    "A type scale multiplies a base size by a fixed ratio: with 16 px and a ratio of 1.25 you get 20, 25 and 31 px for headings. A few consistent sizes look calmer than many arbitrary ones.",
                    "Hierarchy also comes from weight, colour and space: a heading needs more space above than below, so it belongs to the text it introduces.",
                ], {
                    "pass_mark": 50, "attempts": 0, "shuffle": False,
                    "questions": [
                        _q("numeric", "With a 16 px base and a ratio of 1.25, what is the next size up, in pixels?",
                           "16 × 1.25 = 20.",
                           skills=["typography"], difficulty=1, answer="20", tolerance="0", unit="px"),
                        _q("text", "What is the typographic term for the length of a line of text?",
                           "Typographers call it the <b>measure</b>.",
                           skills=["typography"], difficulty=2, accepted=["measure", "the measure"]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "user-research-in-practice",
        "title": "User Research in Practice",
        "topic": "design",
        "level": "intermediate",
        "hours": 12,
        "formats": ["live", "hands-on"],
        "summary": "Plan, run and synthesise user interviews that change what your team builds.",
        "outcomes": ["Write a research plan", "Run an interview without leading questions", "Turn notes into findings"],
        "roles": "product designers, product managers",
        "stage": "mid",
        "skills": ["user-research"],
        "prerequisite_skills": [],
        "enrolment_open": False,
        "modules": [
            ("Interviews", [
                ("research-plan", "A research plan", 20, [
                    "Start from a decision the team must make, then list what you need to learn to make it. Five to eight interviews usually reveal the main patterns.",
                    "Recruit people who match the situation you are designing for, not whoever is easiest to reach.",
                ], None),
                ("asking", "Asking good questions", 25, [
                    "Ask about past behaviour, not hypothetical futures: \"Tell me about the last time you booked a trip\" beats \"Would you use a trip planner?\".",
                    "Avoid leading questions. \"How easy was it?\" suggests it was easy; \"How did it go?\" does not.",
                ], None),
            ]),
            ("Making sense", [
                ("synthesis", "Synthesis", 25, [
                    "Write each observation on its own note, then group notes by similarity. Name the groups after the underlying need, not the feature requested.",
                    "A finding states what you saw, how often, and why it matters for the decision you started from.",
                ], {
                    "pass_mark": 50, "attempts": 0, "shuffle": False,
                    "questions": [
                        _q("single", "Which question is least leading?",
                           "\"How did it go?\" invites any answer; the others suggest one.",
                           skills=["user-research"], difficulty=2,
                           choices=[("How easy was it?", False), ("How did it go?", True), ("Did you like the new design?", False)]),
                    ],
                }),
            ]),
        ],
    },
    {
        "slug": "grundlagen-der-farbenlehre",
        "title": "Grundlagen der Farbenlehre",
        "topic": "design",
        "level": "beginner",
        "hours": 2,
        "formats": ["text"],
        "language": "de",
        "summary": "Farbton, Sättigung und Helligkeit verstehen und Farbpaletten mit ausreichendem Kontrast zusammenstellen.",
        "outcomes": ["Farben mit HSL beschreiben", "Eine Palette mit einer Akzentfarbe aufbauen", "Kontrast prüfen"],
        "roles": "Einsteigerinnen und Einsteiger in Gestaltung",
        "stage": "student",
        "skills": ["colour-theory"],
        "prerequisite_skills": [],
        "modules": [
            ("Farbe beschreiben", [
                ("hsl", "Farbton, Sättigung, Helligkeit", 15, [
                    "Im HSL-Modell beschreibt der Farbton (Hue) die Farbe als Winkel auf dem Farbkreis: 0° ist Rot, 120° Grün, 240° Blau. Die Sättigung gibt an, wie kräftig, die Helligkeit, wie hell die Farbe ist.",
                    "Wer eine Palette baut, variiert oft nur die Helligkeit eines Farbtons: So entstehen zusammenpassende Töne für Flächen, Rahmen und Text.",
                ], None),
            ]),
            ("Paletten", [
                ("akzent", "Eine Akzentfarbe", 15, [
                    "Eine ruhige Oberfläche braucht meist nur eine Akzentfarbe für Handlungen und Hervorhebungen; alles andere bleibt neutral.",
                    "Prüfen Sie den Kontrast von Text und Hintergrund: Für Fließtext verlangt WCAG AA mindestens 4,5:1.",
                ], {
                    "pass_mark": 50, "attempts": 0, "shuffle": False,
                    "questions": [
                        _q("numeric", "Welcher Farbton-Winkel entspricht Grün im HSL-Modell (in Grad)?",
                           "Auf dem Farbkreis liegt Grün bei 120°.",
                           skills=["colour-theory"], difficulty=1, answer="120", tolerance="5", unit="°"),
                        _q("text", "Wie heißt der HSL-Wert, der die Kraft einer Farbe beschreibt?",
                           "Die <b>Sättigung</b> beschreibt, wie kräftig eine Farbe ist.",
                           skills=["colour-theory"], difficulty=1, accepted=["Sättigung", "Saturation"]),
                    ],
                }),
            ]),
        ],
    },
]  # fmt: skip
