"""Synthetic weekly hashtag chats (#SWChat) with ground truth, written in three real X formats.

The generator builds a season of a weekly UK social-work chat: two hosts, a welcome, five
questions (Q1 … Q5) about ten minutes apart, labelled and unlabelled answers, threads of
participant replies (some without the hashtag), retweets, quotes, links, in-text mentions,
newcomers who are or are not welcomed, and scattered chatter between the sessions. Every
post is generated as a plain ``dict`` (see "Internal post form" below), then written as

- :func:`write_v2_pages` — X API v2 response pages as saved by ``twarc2`` (JSONL);
- :func:`write_v1_jsonl` — X API v1.1 tweet objects in extended mode (JSONL);
- :func:`write_tags_csv` — the 18-column TAGS sheet Archive export (CSV);
- :func:`write_truth` — ``truth.json``, the ground truth computed from the generator's own
  events (never by re-parsing text), against which later features are tested.

All three formats describe the same posts: same ids, authors, times and text (a retweet's
text is the ``RT @x: …`` form, truncated to 140 characters, in every format). Deterministic
for a given seed; pure standard library plus ``orjson``.

Two more spreadsheet writers give the same posts as other tools saved them; they are not
part of :func:`write_sample` (nor of the bundled sample):

- :func:`write_rtweet_csv` — the 90-column ``write_as_csv`` export of the R package rtweet
  (0.7), where a retweet row holds the original's full text;
- :func:`write_archiver_sheet` — a Twitter Archiver (Google Sheets add-on) sheet downloaded
  as CSV: 14 columns, dates only, no reply, retweet or quote columns.

Schedule and time zones
-----------------------
Sessions meet on Wednesdays 20:00-21:00 Europe/London, consecutive weeks from
:data:`DEFAULT_START` (2026-10-07). The default six sessions straddle the end of British
Summer Time (25 October 2026): the first three start at 19:00 UTC, the last three at
20:00 UTC. Every session post lies in ``[20:00, 21:00)`` local time. Chatter between
sessions lies at least two hours away from any session (including a "Tonight at 8pm"
promo on the session's own Wednesday around midday).

Internal post form (``SampleChat.posts`` and ``SampleChat.context_posts``)
---------------------------------------------------------------------------
``id`` (snowflake, str), ``ms`` (creation time, ms since the Unix epoch, UTC; the
formats show it floored to whole seconds), ``created_at`` (canonical ISO UTC text,
``2026-10-07T19:01:02.000Z``), ``author_id``, ``kind`` (``original``, ``reply``,
``retweet``, ``quote``; a reply that quotes is a ``reply`` with ``quoted_id`` set),
``text`` (exactly as the sources give it), ``hashtags`` ``[[start, end, tag]]``,
``mentions`` ``[[start, end, account_id]]``, ``urls``
``[[start, end, t.co url, expanded_url, display_url]]`` (offsets in code points),
``leading_mentions`` (account ids of the automatic leading mention of a reply: exactly
the replied-to author, none for a self-reply), ``text_mentions`` (account ids mentioned
in the text other than leading mentions and the ``RT @x:`` of a retweet),
``display_text_range``, ``reply_to_id``, ``reply_to_author_id``, ``retweeted_id``,
``quoted_id``, ``conversation_id``, ``lang``, ``source`` (app name), ``like_count``,
``retweet_count``, ``reply_count``, ``quote_count``, ``is_context``, ``session``
(index or ``None``), ``segment`` (``"intro"``, question number 1-5, ``"wrapup"`` or
``None``) and ``role`` (``welcome``, ``intro``, ``welcome_reply``, ``group_welcome``,
``question``, ``answer``, ``reply``, ``continuation``, ``retweet``, ``quote``,
``misc``, ``wrapup``, ``thanks``, ``chatter``, ``context``).

Accounts (``SampleChat.accounts``, keyed by id) have ``id``, ``username``, ``name``,
``description``, ``location`` (may be empty), ``created_ms``, ``followers``,
``following``, ``tweet_count``, ``listed_count``, ``verified``, ``profile_image_url``,
``app`` and ``role`` (``host``, ``org`` or ``participant``).

truth.json
----------
``seed``, ``hashtag`` (``"SWChat"``), ``timezone`` (``"Europe/London"``), ``schedule``
(``{"weekday": "Wednesday", "local_hour": 20, "duration_minutes": 60}``), ``hosts``
(handles), ``host_ids`` (``{handle: id}``).

``counts``: ``posts`` (non-context posts in the export), ``by_kind`` (``original``,
``reply``, ``retweet``, ``quote``), ``context_posts`` (referenced posts present only as
``includes.tweets`` / ``retweeted_status`` / ``quoted_status``), ``accounts`` (distinct
authors of non-context posts), ``session_posts``, ``between_session_posts``,
``untagged_posts`` (non-retweet posts whose own text has no #SWChat in any case).

``sessions``: one object per session, in order:

- ``id`` (``SWChat-YYYY-MM-DD``, local date), ``index``, ``date`` (local date),
  ``scheduled_start`` (20:00 local as canonical ISO UTC), ``lead_host``;
- ``start``/``end``: canonical ISO UTC of the first and last post of the session;
- ``hosts``: handles who posted questions;
- ``post_ids``: every post belonging to the session, including hashtag-less replies in
  its threads, excluding between-session chatter (ordered by id); ``posts``: their count;
- ``untagged_post_ids``: the non-retweet session posts whose text lacks the hashtag;
- ``participants``: sorted handles who posted in the session (hosts included);
  ``newcomers`` (first session in the archive is this one; in session 1 everyone) and
  ``returners`` (seen in an earlier session) partition them;
- ``retention``: share of the participants seen again in any later session (``null``
  for the last session); ``newcomers_welcomed``: newcomers who received a reply or an
  in-text mention from someone else in this session (perceived receptivity, Budak &
  Agrawal 2013); ``newcomers_returned``: newcomers seen again in a later session;
- ``questions``: ``number``, ``label`` (as written, e.g. ``Q 2 -``), ``text``,
  ``post_id``, ``time``, ``host``, ``topic``, ``vocabulary`` (lower-case content words),
  ``post_ids`` (the question post itself, its answers, every reply in its threads,
  retweets and quotes of those posts, and labelled answers that are quotes of outside
  articles), ``posts``, ``participants`` (distinct authors of ``post_ids``);
- ``intro_post_ids`` (the welcome, introductions, welcomes and retweets before Q1) and
  ``wrapup_post_ids`` (the thanks post and everything in its threads or after it).
  ``intro_post_ids``, the questions' ``post_ids`` and ``wrapup_post_ids`` partition
  ``post_ids``;
- ``edges``: for ``reply``, ``retweet``, ``quote`` and ``mention``: ``{"count": n,
  "pairs": [[source_handle, target_handle], ...]}`` — distinct directed pairs over the
  session's posts under DESIGN.md's edge rules (self-loops left out; mention = in-text
  mentions only; a reply that quotes gives a reply and a quote pair).

``between_session_post_ids``, ``context_post_ids``, and ``receptivity``:
``{"welcomed": {"newcomers", "returned", "rate"}, "not_welcomed": {…}}`` over the
newcomers of every session but the last.

Segments: a question, welcome or thanks post opens its segment; a post labelled
``A<k>`` belongs to question k; a reply belongs to the segment of the post it replies to
(so threads continue into later question windows); a retweet or quote of a session post
belongs to the segment of that post; any other post belongs to the segment open at its
time (the latest welcome, question or thanks post before it).

Examples
--------
>>> chat = generate(seed=7, sessions=4, posts=600)
>>> [s["id"] for s in chat.truth["sessions"]][:2]
['SWChat-2026-10-07', 'SWChat-2026-10-14']
>>> sum(s["posts"] for s in chat.truth["sessions"]) == chat.truth["counts"]["session_posts"]
True
"""

from __future__ import annotations

import csv
import gc
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import orjson

from .schema import PLATFORMS

__all__ = [
    "ARCHIVER_COLUMNS",
    "DEFAULT_POSTS_PER_SESSION",
    "DEFAULT_START",
    "HASHTAG",
    "MIN_POSTS_PER_SESSION",
    "MIXED_START",
    "RTWEET_COLUMNS",
    "TAGS_COLUMNS",
    "TIMEZONE",
    "MixedChat",
    "SampleChat",
    "bluesky_handle",
    "generate",
    "generate_mixed",
    "mastodon_handle",
    "mixed_post_id",
    "on_one_platform",
    "write_archiver_sheet",
    "write_bluesky_jsonl",
    "write_mastodon_jsonl",
    "write_mixed_sample",
    "write_people_csv",
    "write_rtweet_csv",
    "write_sample",
    "write_tags_csv",
    "write_truth",
    "write_v1_jsonl",
    "write_v2_pages",
    "write_x_pages",
]

HASHTAG = "SWChat"
TIMEZONE = "Europe/London"
#: First session date (a Wednesday); six weekly sessions from it cross the end of BST.
DEFAULT_START = date(2026, 10, 7)
DEFAULT_POSTS_PER_SESSION = 200
#: The 18 columns of a TAGS sheet Archive export, in order.
TAGS_COLUMNS = (
    "id_str", "from_user", "text", "created_at", "time", "geo_coordinates", "user_lang",
    "in_reply_to_user_id_str", "in_reply_to_screen_name", "from_user_id_str",
    "in_reply_to_status_id_str", "source", "profile_image_url", "user_followers_count",
    "user_friends_count", "user_location", "status_url", "entities_str",
)

_LONDON = ZoneInfo(TIMEZONE)
_Made = TypeVar("_Made")  # what _once_per_id makes of a post or account (a dict, a tuple of cells)
_TWEPOCH_MS = 1288834974657
_LOCAL_HOUR = 20
_HOUR_MS = 3_600_000
_N_QUESTIONS = 5
#: The least posts a session can have: :func:`generate` refuses fewer than this per session.
MIN_POSTS_PER_SESSION = 60
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_DEFAULT_AVATAR = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"

# --------------------------------------------------------------------------- content

#: topic key -> (title, questions, vocabulary in display form, extra hashtag)
_TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str]] = {
    "supervision": (
        "supervision and reflective practice",
        ("What does good reflective supervision look like for you?",
         "How do you make sure supervision leaves room for reflection, not just case talk?"),
        ("supervision", "reflective", "supervisor", "reflection", "debrief", "agenda", "feedback",
         "curiosity", "coaching", "groupwork", "Kolb", "Gibbs", "cycle", "fortnightly",
         "restorative", "unpicking"),
        "socialwork",
    ),
    "wellbeing": (
        "looking after our own wellbeing",
        ("How do you look after your own wellbeing after a difficult home visit?",
         "What helps you switch off and avoid burnout?"),
        ("wellbeing", "burnout", "selfcare", "boundaries", "exhaustion", "rest", "walks",
         "switching", "compassion", "fatigue", "resilience", "sleep", "holidays", "therapy",
         "gym", "hobbies"),
        "selfcare",
    ),
    "safeguarding": (
        "safeguarding adults",
        ("How do you decide when a concern meets the safeguarding threshold?",
         "What does Making Safeguarding Personal mean in your practice?"),
        ("safeguarding", "threshold", "referrals", "enquiry", "neglect", "selfneglect",
         "concerns", "multiagency", "escalation", "disclosure", "proportionate", "MSP",
         "hoarding", "scams", "abuse", "personal"),
        "safeguarding",
    ),
    "careleavers": (
        "supporting care leavers",
        ("What makes a real difference for care leavers moving to independence?",
         "What does good corporate parenting look like in practice?"),
        ("careleavers", "corporate", "parenting", "placements", "fostering", "stability",
         "pathway", "advisors", "independence", "accommodation", "StayingPut", "leaving",
         "residential", "siblings", "permanence", "birthdays"),
        "careleavers",
    ),
    "amhp": (
        "Mental Health Act work",
        ("What do you wish others understood about AMHP work?",
         "How do you keep Mental Health Act assessments as least restrictive as possible?"),
        ("AMHP", "detention", "sectioned", "MHA", "nearest", "relative", "beds", "crisis",
         "restrictive", "psychiatrist", "ward", "tribunal", "aftercare", "warrant", "police",
         "ambulance"),
        "mentalhealth",
    ),
    "capacity": (
        "mental capacity and best interests",
        ("How do you support someone's decision making before concluding they lack capacity?",
         "What are the hardest parts of best interests decisions?"),
        ("capacity", "consent", "interests", "DoLS", "LPS", "advocacy", "unwise", "presumption",
         "deprivation", "liberty", "IMCA", "LPA", "attorney", "retain", "weigh", "functional"),
        "MCA",
    ),
    "antiracism": (
        "antiracist practice",
        ("How are you making your practice actively antiracist?",
         "How do we challenge racism and bias in our own organisations?"),
        ("racism", "antiracist", "racial", "microaggressions", "equity", "discrimination",
         "representation", "identity", "culture", "allyship", "privilege", "bias",
         "adultification", "heritage", "intersectionality", "inclusion"),
        "antiracism",
    ),
    "students": (
        "students and newly qualified social workers",
        ("What helped you most during your ASYE?",
         "What makes a great practice educator for students on placement?"),
        ("students", "educator", "ASYE", "NQSW", "portfolio", "assessor", "mentoring",
         "university", "readiness", "graduates", "apprenticeship", "learners", "lecturers",
         "Frontline", "StepUp", "shadowing"),
        "SWstudents",
    ),
    "poverty": (
        "poverty and the cost of living",
        ("How is the cost of living crisis showing up in your work with families?",
         "What does poverty aware practice mean to you?"),
        ("poverty", "cost", "living", "foodbanks", "benefits", "Universal", "Credit", "debt",
         "fuel", "hunger", "grants", "destitution", "rent", "evictions", "sanctions",
         "warmbanks"),
        "costofliving",
    ),
    "loneworking": (
        "safety and lone working",
        ("How does your team keep lone workers safe on visits?",
         "Have you ever felt unsafe on a visit, and what helped?"),
        ("lone", "visits", "safety", "panic", "alarm", "buddy", "aggression", "dogs", "doorstep",
         "threats", "harassment", "checkins", "tracking", "escape", "parking", "unsafe"),
        "socialwork",
    ),
    "recording": (
        "recording and case notes",
        ("How do you keep your recording accessible to the people you work with?",
         "Has AI transcription changed how you write case notes?"),
        ("recording", "notes", "paperwork", "admin", "AI", "transcription", "jargon", "plain",
         "English", "chronology", "accessible", "templates", "typing", "Copilot", "backlog",
         "write"),
        "socialwork",
    ),
    "domesticabuse": (
        "domestic abuse",
        ("How do you recognise coercive control in your assessments?",
         "How can social workers better support survivors of domestic abuse?"),
        ("domestic", "coercive", "control", "MARAC", "DASH", "IDVA", "perpetrator", "survivors",
         "refuge", "stalking", "economic", "gaslighting", "planning", "victims", "courts",
         "injunction"),
        "domesticabuse",
    ),
    "relationships": (
        "relationship based practice",
        ("How do you build trust with families who have had bad experiences of social workers?",
         "What does relationship based practice look like on a busy day?"),
        ("relationships", "trust", "rapport", "continuity", "empathy", "listening", "authentic",
         "warmth", "humour", "honesty", "curious", "kindness", "presence", "attunement",
         "repair", "genuine"),
        "socialwork",
    ),
    "discharge": (
        "hospital discharge and adult social care",
        ("What would make hospital discharge safer for the people you support?",
         "How do you balance pressure to discharge quickly with good assessment?"),
        ("discharge", "hospital", "delayed", "homecare", "reablement", "packages", "brokerage",
         "therapists", "NHS", "flow", "intermediate", "carehomes", "CHC", "frailty", "unpaid",
         "occupational"),
        "socialcare",
    ),
    "exploitation": (
        "exploitation and contextual safeguarding",
        ("How do you work with young people at risk of exploitation?",
         "What does contextual safeguarding look like in your area?"),
        ("exploitation", "CountyLines", "grooming", "contextual", "youth", "offending", "gangs",
         "missing", "trafficking", "NRM", "knife", "detached", "schools", "exclusions",
         "criminal", "teenagers"),
        "contextualsafeguarding",
    ),
    "kinship": (
        "kinship care and family networks",
        ("How can we better support kinship carers?",
         "When do you bring in a family group conference?"),
        ("kinship", "grandparents", "family", "group", "conference", "strengths", "FGC",
         "parents", "connected", "SGO", "relatives", "networks", "respite", "contact",
         "reunification", "aunties"),
        "kinshipcare",
    ),
    "digital": (
        "digital and hybrid working",
        ("Has hybrid working helped or hindered your practice?",
         "How do you avoid digital exclusion for the people you support?"),
        ("digital", "online", "Teams", "remote", "hybrid", "video", "exclusion", "laptops",
         "wifi", "apps", "Zoom", "hotdesking", "office", "connectivity", "screens", "tech"),
        "socialwork",
    ),
    "workforce": (
        "recruitment and retention",
        ("What would make you stay in social work for the long term?",
         "How do high caseloads affect retention in your team?"),
        ("retention", "agency", "locum", "vacancies", "turnover", "recruitment", "leadership",
         "workload", "caseloads", "pay", "morale", "exit", "interviews", "flexible",
         "progression", "staffing"),
        "socialwork",
    ),
    "ethics": (
        "ethics and values",
        ("Tell us about an ethical dilemma that has stayed with you.",
         "How do you hold on to your values when resources are tight?"),
        ("ethical", "values", "dilemmas", "dignity", "rights", "justice", "autonomy",
         "paternalism", "moral", "injury", "codes", "integrity", "whistleblowing", "power",
         "oppression", "conscience"),
        "socialjustice",
    ),
    "grief": (
        "grief and loss",
        ("How do you support people through grief and loss?",
         "Who supports you when someone you work with dies?"),
        ("grief", "bereavement", "loss", "death", "palliative", "dying", "funerals", "mourning",
         "endoflife", "hospice", "condolences", "anniversary", "memories", "sudden", "bereaved",
         "dies"),
        "grief",
    ),
    "autism": (
        "autism and learning disability",
        ("What reasonable adjustments make the biggest difference for autistic people?",
         "How do you adapt your communication for people with a learning disability?"),
        ("autism", "autistic", "neurodivergent", "learning", "disability", "adjustments",
         "sensory", "communication", "EasyRead", "Makaton", "ADHD", "diagnosis", "masking",
         "meltdowns", "selfadvocacy", "STOMP"),
        "autism",
    ),
    "substances": (
        "substance use and harm reduction",
        ("How do you practise harm reduction with people who use substances?",
         "What gets in the way of recovery for the people you work with?"),
        ("substance", "alcohol", "drugs", "harm", "reduction", "recovery", "naloxone", "detox",
         "rehab", "opioids", "relapse", "dual", "needle", "sobriety", "cannabis", "stigma"),
        "harmreduction",
    ),
    "dementia": (
        "dementia and older people",
        ("What does good support for people with dementia look like?",
         "How do you tackle loneliness and isolation among older people?"),
        ("dementia", "older", "memory", "loneliness", "isolation", "daycentres", "ageing",
         "falls", "sundowning", "lifestory", "reminiscence", "Admiral", "nurses", "befriending",
         "carers", "tea"),
        "dementia",
    ),
    "media": (
        "how social work is seen by the public",
        ("How can we change the way social work is portrayed in the media?",
         "What makes you proud to be a social worker?"),
        ("media", "headlines", "stereotypes", "reputation", "public", "perception", "press",
         "coverage", "blame", "tabloids", "documentary", "visibility", "pride", "narrative",
         "celebrate", "proud"),
        "socialwork",
    ),
}

# Answer bodies: {a} {b} {c} are distinct vocabulary words, capitalised as {A} {B}.
_ANSWER_BODIES = (
    "For me it's all about {a} and {b}.",
    "{A} has made the biggest difference to how I handle {b}.",
    "Honestly? {A}. Without it {b} just takes over.",
    "In our team we've started using {a} to make {b} more manageable.",
    "I think {a} only works when there's proper {b} behind it.",
    "We don't talk enough about {a}. And {b} is part of the same picture.",
    "{A}, {b} and a lot of {c}!",
    "Still new to this, but {a} has helped me with {b}.",
    "Our service has put {a} at the centre of how we think about {b}.",
    "Good {a} means being honest about {b} and {c}.",
    "When {a} is missing, {b} always suffers.",
    "I'd love to see more {a} and less focus on {b}.",
    "Twenty years in and {a} still matters most. {B} too.",
    "{A} isn't a luxury, it's how we keep {b} on track.",
    "Small things: {a}, {b}, remembering {c}.",
    "As a student I'm noticing how much {a} shapes {b}.",
    "It depends on {a} but usually {b} comes first.",
    "Managers need to protect {a}, especially around {b}.",
    "The people I work with tell me {a} and {b} matter most.",
    "I've found that {a} gets easier with {b}.",
    "Three words: {a}, {b}, {c}.",
    "We need {a} built into the week, not squeezed in after {b}.",
)
_ANSWER_TAILS = (
    " {A} is underrated.",
    " And never forget {a}.",
    " Plus {a}, always.",
    " {A} helps too.",
    " Oh and {a}!",
)
_REPLY_BODIES = (
    "totally agree, {a} makes such a difference",
    "yes! {a} is so underrated",
    "this resonates, especially {a}",
    "how does your team manage {a}?",
    "great point about {a} 👏",
    "same here. {A} and {b} go hand in hand",
    "this 💯",
    "love this",
    "thank you for sharing, {a} is hard",
    "we've had the same struggle with {b}",
    "so true. {A} needs more attention",
    "I hadn't thought about {a} that way",
    "do you find {a} helps with {b}?",
    "{a} is exactly it",
    "couldn't agree more about {a} and {b}",
)
_BACK_BODIES = (
    "thanks! yes, {a} really helped",
    "exactly, and {b} too",
    "we mostly rely on {a}, happy to share more",
    "it's not perfect but {a} is a start",
    "ha, {a} is a work in progress here too",
)
_CONTINUATIONS = (
    "(2/2) and {a} too, which people forget about.",
    "2/2 Also {a}. Sorry, I could talk about {b} all night!",
    "...and {a}. That's my essay for tonight 😅",
)
_QUOTE_COMMENTS = (
    "This 👇 so important",
    "Brilliant answer, {a} is key",
    "Yes to all of this!",
    "Reading this twice. {A} matters",
    "Saving this one",
)
_MENTION_PHRASES = (
    " (as {m} said earlier)",
    " cc {m}",
    " Totally with {m} on this.",
    " {m} put it well earlier.",
    " Shout out to {m} for the tip!",
)
_ORG_MENTION_PHRASES = (
    " The {m} guidance is worth a read.",
    " {m} have good resources on this.",
)
_MISC = (
    "Loving tonight's {t} 💜 so many ideas to take back to my team",
    "Joining late, catching up on the questions! {t}",
    "Lurking tonight but reading everything {t}",
    "Brilliant discussion tonight {t}, my notes page is full",
    "So reassuring to know it's not just me {t}",
)
_INTRO_NEW = (
    "Hi everyone 👋 {first}, {role} in {place}. First time joining {t}!",
    "Evening all! {Role} from {place} here, first {t} for me 😊",
    "Hello! Long time lurker, first time taking part in {t}. {first}, {role} in {place}",
    "Hi {t} 👋 I'm {first}, {a_role} in {place}. Nervous first timer!",
)
_INTRO_BACK = (
    "Evening {t} 👋 {first}, {role} in {place}",
    "Hi all! Back again for {t}. {Role} in {place}",
    "Hello from {place}! Ready for tonight's {t} ☕",
    "{first} here, {role} in {place}. Good to see familiar faces {t}",
    "Evening! {first} joining from {place} {t}",
)
_WELCOME_REPLIES = (
    "Welcome to {t}, {first}! Great to have you 💜",
    "welcome! You'll love it here",
    "Hi {first}, welcome! 👋",
    "Welcome {first}, lovely to have you with us {t}",
)
_WELCOME_ANSWER_REPLIES = (
    "welcome to {t}! Great first answer 👏",
    "Is this your first {t}? Welcome, and great answer!",
)
_THANKS = (
    "Thanks all, brilliant {t} tonight 💜",
    "Another great {t}, thank you everyone! See you next week",
    "That hour flew by. Thanks {t} 🙏",
    "Thank you for a thoughtful {t} tonight, going to bed with lots to think about",
)
_CHATTER = (
    "Still thinking about last night's {t} discussion on {topic}",
    "Missed {t} this week, catching up on the thread now",
    "Logging this week's {t} as CPD, so much to reflect on",
    "Shared some of the ideas from {t} on {topic} with my team today and it sparked a great discussion",
    "Does anyone keep a list of resources shared at {t}? Looking for the one on {topic}",
    "Can't make {t} next week, will catch up on the hashtag after",
)
_THANKS_REPLIES = (
    "thank you! see you next week 👋",
    "thanks for hosting, brilliant as always",
    "thank you both 💜",
)

_FIRST = (
    "Aisha", "Priya", "Sarah", "Tom", "Callum", "Siobhan", "Rhys", "Fatima", "Kwame", "Chloe",
    "Seun", "Emma", "Jack", "Hannah", "Mohammed", "Amira", "Ben", "Lucy", "Gareth", "Niamh",
    "Zainab", "Dan", "Laura", "Imran", "Grace", "Owen", "Jess", "Kiran", "Becky", "Liam",
    "Nadia", "Chris", "Sophie", "Tariq", "Megan", "Ravi", "Claire", "Ifeoma", "Josh", "Kate",
    "Bethan", "Ali", "Rachel", "Marcus", "Helen", "Yusuf", "Anna", "Sam", "Ellie", "Femi",
    "Catriona", "Alex", "Gemma", "Dev", "Hollie", "Paul", "Shannon", "Aaron", "Ruth", "Sean",
    "Ola", "Mei", "Ewan", "Farah", "Lowri", "Nathan", "Caroline", "Jamal", "Heather", "Tanvir",
    "Morag", "Danielle", "Kofi", "Isla", "Joanne", "Adam", "Leanne", "Hamza", "Fiona", "Vicky",
)
_LAST = (
    "Patel", "Khan", "Jones", "Williams", "OBrien", "MacLeod", "Okafor", "Nowak", "Begum",
    "Evans", "Smith", "Taylor", "Davies", "Hughes", "Ahmed", "Mensah", "Campbell", "Murphy",
    "Walsh", "Thomas", "Roberts", "Hussain", "Kaur", "Singh", "Wright", "Robinson", "Clarke",
    "Wood", "Green", "Hall", "Lewis", "Edwards", "Adeyemi", "Morgan", "Reid", "Kelly", "Ali",
    "Bennett", "Fraser", "Chowdhury", "Price", "Cooper", "Ward", "Mitchell", "Owusu", "Doyle",
    "Kowalski", "Baker", "Shah", "Parry", "Rahman", "Grant", "Quinn", "Stewart", "Boateng",
    "Lloyd", "Harris", "Jenkins", "Barnes", "Malik",
)
#: (role as said in an introduction, description opening)
_ROLES = (
    ("children's social worker", "Children's social worker"),
    ("social worker in adult mental health", "Adult mental health social worker"),
    ("AMHP", "Social worker & AMHP"),
    ("adult social worker", "Adult social worker"),
    ("social work student", "MA social work student"),
    ("social work student", "BA social work student, 2nd year"),
    ("practice educator", "Practice educator"),
    ("team manager", "Team manager, children's services"),
    ("newly qualified social worker", "NQSW doing my ASYE"),
    ("social work lecturer", "Senior lecturer in social work"),
    ("IRO", "Independent reviewing officer"),
    ("principal social worker", "Principal social worker"),
    ("personal adviser for care leavers", "Personal adviser, leaving care team"),
    ("hospital social worker", "Hospital social worker"),
    ("family support worker", "Family support worker"),
    ("retired social worker", "Retired social worker, still learning"),
    ("youth justice worker", "Youth justice social worker"),
    ("safeguarding lead", "Adult safeguarding lead"),
)
_DESC_EXTRAS = (
    "she/her", "he/him", "they/them", "Mum of two", "Coffee powered ☕", "Runner 🏃",
    "Trade unionist", "Proud Northerner", "Neurodivergent", "Dog person 🐶", "Views my own",
    "Tweets are my own", "Reader, walker, tea drinker", "Welsh speaker", "Football and family",
    "Allotment enthusiast 🌱", "Learning every day", "Care experienced",
)
_LOCATIONS = (
    "Leeds, England", "Manchester", "London", "Bristol", "Cardiff, Wales", "Glasgow, Scotland",
    "Belfast, Northern Ireland", "Birmingham, UK", "Newcastle upon Tyne", "Norfolk",
    "Sheffield", "Liverpool", "Nottingham", "Brighton", "Kent", "Swansea", "Edinburgh",
    "Yorkshire", "North West, England", "Cornwall", "UK", "Hull", "Leicester", "Devon",
    "Essex", "Coventry", "", "", "", "",
)
#: (name, href, weight)
_APPS = (
    ("Twitter for iPhone", "http://twitter.com/download/iphone", 40),
    ("Twitter Web App", "https://mobile.twitter.com", 30),
    ("Twitter for Android", "http://twitter.com/download/android", 22),
    ("TweetDeck", "https://about.twitter.com/products/tweetdeck", 6),
    ("Twitter for iPad", "http://twitter.com/#!/download/ipad", 2),
)
_APP_HREF = {name: href for name, href, _ in _APPS}
_TAG_FORMS = (("SWChat", 70), ("swchat", 18), ("SwChat", 8), ("SWCHAT", 4))

#: hosts: (id, handle, name, description, location, created)
_HOSTS = (
    ("2971185406", "SWChatHost", "#SWChat 💜",
     "Weekly chat for social workers, students and allies. Wednesdays 8-9pm UK time. "
     "Run by volunteers, views our own.", "UK", datetime(2015, 1, 9, 14, 2, 11)),
    ("1301552871914283008", "SWChatCoHost", "Jo Adebayo",
     "Social worker and #SWChat co-host. Supervision nerd. she/her", "Leeds, England",
     datetime(2020, 9, 3, 16, 44, 5)),
)
#: org accounts (handle, name, description, domain, url path)
_ORGS = (
    ("CareNewsUK", "Care News UK",
     "Daily news for social work and social care professionals.",
     "https://www.communitycare.co.uk/{y}/{m:02d}/{d:02d}/{slug}/"),
    ("SWAssocUK", "Social Work Association UK",
     "The professional association for social workers across the UK.",
     "https://www.basw.co.uk/resources/{slug}"),
    ("SWResearchHub", "SW Research Hub",
     "Evidence for practice: research summaries, podcasts and learning tools.",
     "https://www.researchinpractice.org.uk/all/content-pages/{slug}/"),
    ("SWStandardsUK", "Social Work Standards",
     "Updates on professional standards, registration and CPD for social workers.",
     "https://www.gov.uk/government/publications/{slug}"),
)
_ARTICLE_HEADLINES = (
    "New survey: social workers say {a} and {b} are under strain",
    "Practice guide: {a}, {b} and what good looks like",
    "Research summary: what helps with {a}?",
    "Updated guidance on {a} published today",
    "Five things we learned about {a} and {b} this year",
)


# --------------------------------------------------------------------------- results


@dataclass
class SampleChat:
    """A generated season of chats: posts, context posts, accounts and ground truth.

    Attributes
    ----------
    seed : int
        The seed it was generated from.
    posts : list of dict
        The export's posts (not context), oldest first, in the internal form described
        in the module docstring.
    context_posts : list of dict
        Referenced posts that are not in the export (retweeted promos from before the
        collection, quoted articles), oldest first.
    accounts : dict
        Account id -> account dict.
    truth : dict
        The ground truth written to ``truth.json``.
    retrieved_at : str
        When the (imaginary) collection ran, ISO UTC.

    Examples
    --------
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> chat.posts[0]["ms"] <= chat.posts[-1]["ms"]
    True
    """

    seed: int
    posts: list[dict[str, Any]]
    context_posts: list[dict[str, Any]]
    accounts: dict[str, dict[str, Any]]
    truth: dict[str, Any]
    retrieved_at: str
    _by_id: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def post(self, post_id: str) -> dict[str, Any]:
        """Return the post (export or context) with this id.

        Examples
        --------
        >>> chat = generate(seed=1, sessions=4, posts=400)
        >>> chat.post(chat.posts[0]["id"]) is chat.posts[0]
        True
        """
        return self._index()[post_id]

    def _index(self) -> dict[str, dict[str, Any]]:
        """Every post (export and context) by id, made once."""
        if not self._by_id:
            self._by_id.update(_by_id(self.context_posts, self.posts))
        return self._by_id


# --------------------------------------------------------------------------- helpers


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic dicts (2-3x faster)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _by_id(*groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Posts by their ``id``, from one or more lists of posts."""
    return {p["id"]: p for group in groups for p in group}


def _once_per_id(build: Callable[[dict], _Made]) -> Callable[[dict], _Made]:
    """``build`` for a post or account, called once per ``id`` (a post is written again wherever it is
    retweeted, quoted or replied to; an account wherever it is an author)."""
    made: dict[str, _Made] = {}

    def get(item: dict[str, Any]) -> _Made:
        out = made.get(item["id"])
        if out is None:
            out = made[item["id"]] = build(item)
        return out

    return get


def _local_ms(day: date, hour: int, minute: int = 0, second: int = 0) -> int:
    when = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=_LONDON)
    return int(when.timestamp()) * 1000


def _iso(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.000Z")


def _v1_time(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year:04d}")


def _snowflake(ms: int, low: int) -> int:
    return ((ms - _TWEPOCH_MS) << 22) | (low & 0x3FFFFF)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _js_number(value: str) -> int:
    """The integer JavaScript prints for a large id (double precision, as TAGS stores it)."""
    n = int(value)
    if n < 2**53:
        return n
    return int(Decimal(repr(float(n))))


def _display_url(url: str, keep: int = 26) -> str:
    bare = url.split("://", 1)[-1]
    if bare.startswith("www."):
        bare = bare[4:]
    return bare if len(bare) <= keep + 1 else bare[:keep] + "…"


class _Text:
    """Builds a post text piece by piece, recording entity offsets (code points)."""

    __slots__ = ("inner", "lead", "lead_end", "ments", "n", "parts", "tags", "urls")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.tags: list[list[Any]] = []
        self.ments: list[list[Any]] = []
        self.urls: list[list[Any]] = []
        self.lead: list[str] = []
        self.lead_end = 0
        self.inner: list[str] = []

    def s(self, text: str) -> _Text:
        self.parts.append(text)
        self.n += len(text)
        return self

    def tag(self, tag: str) -> _Text:
        start = self.n
        self.s("#" + tag)
        self.tags.append([start, self.n, tag])
        return self

    def at(self, account: dict[str, Any], leading: bool = False) -> _Text:
        start = self.n
        self.s("@" + account["username"])
        self.ments.append([start, self.n, account["id"]])
        (self.lead if leading else self.inner).append(account["id"])
        if leading:
            self.lead_end = self.n
        return self

    def url(self, tco: str, expanded: str | None, display: str | None) -> _Text:
        start = self.n
        self.s(tco)
        self.urls.append([start, self.n, tco, expanded, display])
        return self

    def phrase(self, template: str, account: dict[str, Any]) -> _Text:
        before, after = template.split("{m}")
        self.s(before)
        self.at(account)
        return self.s(after)

    def tagged(self, template: str, tag: str, **words: str) -> _Text:
        """Append ``template`` with its ``{t}`` (if any) as the hashtag ``tag``, other fields from ``words``."""
        before, sep, after = template.partition("{t}")
        self.s(before.format(**words))
        if sep:
            self.tag(tag)
        return self.s(after.format(**words))

    def reply_range(self) -> tuple[int, int]:
        """The ``display_text_range`` of a reply: the text after its leading ``@mention``."""
        return (self.lead_end + 1 if self.lead else 0, self.n)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------- generator


class _Generator:
    def __init__(self, seed: int, sessions: int, posts: int | None, start: date) -> None:
        if sessions < 1:
            raise ValueError("sessions must be at least 1")
        if start.weekday() != 2:
            raise ValueError(f"start must be a Wednesday, got {start.isoformat()}")
        total = posts if posts is not None else DEFAULT_POSTS_PER_SESSION * sessions
        if total < MIN_POSTS_PER_SESSION * sessions:
            raise ValueError(
                f"posts must be at least {MIN_POSTS_PER_SESSION} per session "
                f"({MIN_POSTS_PER_SESSION * sessions} for {sessions} sessions)")
        self.seed = seed
        self.rng = random.Random(seed)
        self.n_sessions = sessions
        self.start = start
        self.per_session = total / sessions
        self.scale = max(1.0, self.per_session / DEFAULT_POSTS_PER_SESSION)
        self.accounts: dict[str, dict[str, Any]] = {}
        self.handles: set[str] = set()
        self.used_ids: set[int] = set()
        self.all: list[dict[str, Any]] = []
        self.seen: list[dict[str, Any]] = []  # non-host accounts seen in a session, in order
        self.seen_ids: set[str] = set()
        self.seen_after: list[int] = []  # len(self.seen) after each session
        self.articles: dict[str, list[dict[str, Any]]] = {}
        self.promos: list[dict[str, Any]] = []
        self.asked: dict[str, int] = {}
        self._app_names = [a[0] for a in _APPS]
        self._app_cum = _cumulative([a[2] for a in _APPS])
        self._tag_forms = [t[0] for t in _TAG_FORMS]
        self._tag_cum = _cumulative([t[1] for t in _TAG_FORMS])
        self.hosts = [self._host(*h) for h in _HOSTS]
        self.orgs = [self._org(*o) for o in _ORGS]
        self.session_topics = self._plan_topics()

    # ---------------------------------------------------------------- ids and accounts

    def _unique_id(self, ms: int) -> str:
        rng = self.rng
        low = rng.getrandbits(10) << 12
        n = _snowflake(ms, low)
        while n in self.used_ids:
            n += 1
        self.used_ids.add(n)
        return str(n)

    def _account_id(self, created_ms: int) -> str:
        # Accounts made before 2014 have the old sequential ids, later ones snowflakes.
        if created_ms < 1_388_534_400_000:
            lo, hi = 1_230_768_000_000, 1_388_534_400_000
            frac = (created_ms - lo) / (hi - lo)
            n = int(15_000_000 + frac * 2_250_000_000) + self.rng.randrange(1000)
            while n in self.used_ids:
                n += 1
            self.used_ids.add(n)
            return str(n)
        return self._unique_id(created_ms)

    def _avatar(self, created_ms: int) -> str:
        rng = self.rng
        pic = _snowflake(max(created_ms, 1_420_070_400_000) + rng.randrange(10**9), rng.getrandbits(22))
        name = "".join(rng.choices(_ALNUM, k=8))
        return f"https://pbs.twimg.com/profile_images/{pic}/{name}_normal.jpg"

    def _host(self, aid, handle, name, desc, loc, created) -> dict[str, Any]:
        created_ms = int(created.replace(tzinfo=UTC).timestamp()) * 1000
        self.used_ids.add(int(aid))
        self.handles.add(handle.lower())
        acc = {
            "id": aid, "username": handle, "name": name, "description": desc, "location": loc,
            "created_ms": created_ms, "followers": 4000 + self.rng.randrange(3000),
            "following": 900 + self.rng.randrange(600), "tweet_count": 20000 + self.rng.randrange(9000),
            "listed_count": 80 + self.rng.randrange(40), "verified": False,
            "profile_image_url": self._avatar(created_ms), "app": "Twitter Web App", "role": "host",
            "_first": name.split()[0], "_role_phrase": "host", "_tag": HASHTAG, "_weight": 1.0,
            "_loyalty": 1.0, "_alabel": 0,
        }
        self.accounts[aid] = acc
        return acc

    def _org(self, handle, name, desc, url) -> dict[str, Any]:
        rng = self.rng
        created_ms = int(datetime(2009 + rng.randrange(4), 1 + rng.randrange(12), 1 + rng.randrange(28),
                                  tzinfo=UTC).timestamp()) * 1000
        aid = self._account_id(created_ms)
        self.handles.add(handle.lower())
        acc = {
            "id": aid, "username": handle, "name": name, "description": desc,
            "location": "United Kingdom", "created_ms": created_ms,
            "followers": 15000 + rng.randrange(60000), "following": 500 + rng.randrange(2000),
            "tweet_count": 15000 + rng.randrange(40000), "listed_count": 300 + rng.randrange(900),
            "verified": True, "profile_image_url": self._avatar(created_ms), "app": "TweetDeck",
            "role": "org", "_url": url, "_first": name, "_role_phrase": "", "_tag": HASHTAG,
            "_weight": 0.0, "_loyalty": 0.0, "_alabel": 0,
        }
        self.accounts[aid] = acc
        return acc

    def _handle(self, first: str, last: str, role: str) -> str:
        rng = self.rng
        f, lname = first, last
        patterns = [
            f"{f.lower()}_sw", f"{f}{lname}SW", f"SW{f}{lname[0]}", f"{f.lower()}{lname.lower()}",
            f"{f}_{lname}", f"{f.lower()}_socialwork", f"{f.lower()}{lname[0].lower()}_sw",
            f"{f}{lname}{rng.randrange(10, 99)}", f"{f}{lname[:3]}_SW", f"{lname}{f[0]}SW",
        ]
        if "AMHP" in role:
            patterns.append(f"{f}AMHP")
        if "student" in role:
            patterns.append(f"{f.lower()}_swstudent")
        rng.shuffle(patterns)
        for h in patterns:
            if len(h) <= 15 and h.lower() not in self.handles:
                return h
        while True:
            h = f"{f[:9]}{lname[0]}{rng.randrange(10, 9999)}"
            if h.lower() not in self.handles:
                return h

    def _participant(self, first_session: int, day: date) -> dict[str, Any]:
        rng = self.rng
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        role_phrase, role_desc = rng.choice(_ROLES)
        handle = self._handle(first, last, role_desc)
        self.handles.add(handle.lower())
        r = rng.random()
        if r < 0.55:
            name = f"{first} {last}"
        elif r < 0.7:
            name = f"{first} {last[0]}."
        elif r < 0.8:
            name = f"{first} ({rng.choice(('she/her', 'he/him', 'they/them'))})"
        elif r < 0.9:
            name = f"{first} | Social Worker"
        elif "lecturer" in role_desc:
            name = f"Dr {first} {last}"
        else:
            name = f"{first} {last} 🏳️‍🌈"
        extras = rng.sample(_DESC_EXTRAS, 2)
        desc = f"{role_desc} | {extras[0]} | {extras[1]}" if rng.random() < 0.9 else ""
        loc = rng.choice(_LOCATIONS)
        session_ms = _local_ms(day, 12)
        if rng.random() < 0.1:  # made the account to join in
            created_ms = session_ms - rng.randrange(2, 200) * 86_400_000 - rng.randrange(86_400_000)
        else:
            lo = 1_236_000_000_000  # 2009
            created_ms = lo + rng.randrange(session_ms - 300 * 86_400_000 - lo)
        fresh = session_ms - created_ms < 400 * 86_400_000
        followers = 0 if fresh and rng.random() < 0.4 else int(math.exp(rng.gauss(5.6, 1.3)))
        weight = rng.lognormvariate(0.0, 1.0)
        acc: dict[str, Any] = {
            "id": self._account_id(created_ms), "username": handle, "name": name,
            "description": desc, "location": loc, "created_ms": created_ms,
            "followers": followers, "following": int(math.exp(rng.gauss(5.8, 0.9))),
            "tweet_count": int(math.exp(rng.gauss(7.5, 1.5))),
            "listed_count": int(math.exp(rng.gauss(1.0, 1.2))),
            "verified": False,
            "profile_image_url": _DEFAULT_AVATAR if fresh and rng.random() < 0.5 else self._avatar(created_ms),
            "app": rng.choices(self._app_names, cum_weights=self._app_cum)[0],
            "role": "participant",
            "_first": first, "_role_phrase": role_phrase,
            "_tag": rng.choices(self._tag_forms, cum_weights=self._tag_cum)[0],
            "_weight": weight, "_loyalty": min(0.8, 0.05 + 0.5 * (1 - math.exp(-weight / 1.5))),
            "_alabel": rng.randrange(5), "_first_session": first_session, "_welcomed": None,
        }
        self.accounts[acc["id"]] = acc
        return acc

    # ---------------------------------------------------------------- posts

    def _tco(self) -> str:
        return "https://t.co/" + "".join(self.rng.choices(_ALNUM, k=10))

    def _post(self, ms: int, author: dict[str, Any], kind: str, tb: _Text, *, session: int | None,
              segment: Any, role: str, parent: dict[str, Any] | None = None,
              retweeted: dict[str, Any] | None = None, quoted: dict[str, Any] | None = None,
              display: tuple[int, int] | None = None, context: bool = False) -> dict[str, Any]:
        p = {
            "id": None, "ms": ms, "created_at": None, "author_id": author["id"], "kind": kind,
            "text": tb.text(), "hashtags": tb.tags, "mentions": tb.ments, "urls": tb.urls,
            "leading_mentions": tb.lead, "text_mentions": tb.inner,
            "display_text_range": list(display) if display else [0, tb.n],
            "reply_to_id": None, "reply_to_author_id": parent["author_id"] if parent else None,
            "retweeted_id": None, "quoted_id": None, "conversation_id": None, "lang": "en",
            "source": author["app"], "like_count": 0, "retweet_count": 0, "reply_count": 0,
            "quote_count": 0, "is_context": context, "session": session, "segment": segment,
            "role": role, "_parent": parent, "_rt": retweeted, "_quote": quoted,
            "_depth": (parent["_depth"] + 1) if parent else 0,
        }
        self.all.append(p)
        return p

    def _words(self, topic: str, k: int) -> list[str]:
        return self.rng.sample(_TOPICS[topic][2], k)

    def _fill(self, template: str, topic: str) -> str:
        a, b, c = self._words(topic, 3)
        return template.format(a=a, b=b, c=c, A=_cap(a), B=_cap(b), C=_cap(c))

    def _answer_label(self, acc: dict[str, Any], k: int) -> str:
        style = acc["_alabel"] if self.rng.random() < 0.85 else self.rng.randrange(5)
        return (f"A{k}", f"A{k}:", f"A.{k}", f"A{k})", f"A{k} -")[style]

    def _retweet(self, ms: int, author: dict[str, Any], orig: dict[str, Any], session: int | None,
                 segment: Any, role: str = "retweet") -> dict[str, Any]:
        oa = self.accounts[orig["author_id"]]
        prefix = f"RT @{oa['username']}: "
        full = prefix + orig["text"]
        if len(full) > 140:
            text, cut = full[:139] + "…", 139
        else:
            text, cut = full, len(full)
        shift = len(prefix)
        tb = _Text()
        tb.parts, tb.n = [text], len(text)
        tb.ments = [[3, 4 + len(oa["username"]), oa["id"]]]
        tb.tags = [[a + shift, b + shift, t] for a, b, t in orig["hashtags"] if b + shift <= cut]
        tb.urls = [[u[0] + shift, u[1] + shift, *u[2:]] for u in orig["urls"] if u[1] + shift <= cut]
        return self._post(ms, author, "retweet", tb, session=session, segment=segment, role=role,
                          retweeted=orig)

    def _add_quote_link(self, tb: _Text) -> tuple[int, int]:
        end = tb.n
        tb.s(" ")
        tb.url(self._tco(), None, None)  # filled with the permalink once ids exist
        return (0, end)

    def _article_url(self, org: dict[str, Any], topic: str, ms: int,
                     words: tuple[str, str] | None = None) -> str:
        day = datetime.fromtimestamp(ms / 1000, UTC)
        a, b = words or self._words(topic, 2)
        kind = self.rng.choice(("survey", "guide", "research", "briefing", "practice"))
        slug = f"{a.lower()}-{b.lower()}-{kind}"
        return org["_url"].format(y=day.year, m=day.month, d=day.day, slug=slug)

    def _article(self, topic: str, before_ms: int) -> dict[str, Any]:
        """A context post by an org linking to an article on ``topic`` (not in the export)."""
        have = self.articles.setdefault(topic, [])
        if have and (len(have) >= 2 or self.rng.random() < 0.6):
            return self.rng.choice(have)
        rng = self.rng
        org = rng.choice(self.orgs)
        ms = before_ms - rng.randrange(1, 25) * 86_400_000 - rng.randrange(86_400_000)
        a, b = self._words(topic, 2)
        headline = rng.choice(_ARTICLE_HEADLINES).format(a=a, b=b)
        url = self._article_url(org, topic, ms, (a, b))
        tb = _Text().s(_cap(headline) + " ").url(self._tco(), url, _display_url(url))
        p = self._post(ms, org, "original", tb, session=None, segment=None, role="context",
                       context=True)
        have.append(p)
        return p

    # ---------------------------------------------------------------- planning

    def _plan_topics(self) -> list[list[str]]:
        rng = self.rng
        keys = list(_TOPICS)
        order: list[str] = []
        plan = []
        for _ in range(self.n_sessions):
            chosen: list[str] = []
            while len(chosen) < _N_QUESTIONS:
                if all(c in chosen for c in order):
                    fresh = keys[:]
                    rng.shuffle(fresh)
                    order = fresh + order  # the old ones are used up first (popped from the end)
                for idx in range(len(order) - 1, -1, -1):
                    if order[idx] not in chosen:
                        chosen.append(order.pop(idx))
                        break
            plan.append(chosen)
        return plan

    def _participants(self, s: int, n_target: int, day: date) -> tuple[list, list]:
        rng = self.rng
        returners = []
        for acc in self.seen:
            factor = 1.0
            if acc["_welcomed"] is True:
                factor = 1.5
            elif acc["_welcomed"] is False:
                factor = 0.4
            if rng.random() < min(0.95, acc["_loyalty"] * factor):
                returners.append(acc)
        room = n_target - len(self.hosts)
        max_ret = int(0.72 * room)
        if len(returners) > max_ret:
            returners = rng.sample(returners, max_ret)
        n_new = max(room - len(returners), int(0.28 * room), 3)
        newcomers = [self._participant(s, day) for _ in range(n_new)]
        return returners, newcomers

    # ---------------------------------------------------------------- one session

    def session(self, s: int) -> None:
        rng = self.rng
        day = self.start + timedelta(weeks=s)
        t0 = _local_ms(day, _LOCAL_HOUR)
        end = t0 + _HOUR_MS - 1000
        lead, co = (self.hosts[0], self.hosts[1]) if s % 2 == 0 else (self.hosts[1], self.hosts[0])
        budget = max(MIN_POSTS_PER_SESSION, round(self.per_session * rng.uniform(0.92, 1.08)))
        n_target = max(14, round(budget / (3.0 * (budget / DEFAULT_POSTS_PER_SESSION) ** 0.15)))
        returners, newcomers = self._participants(s, n_target, day)
        first_timers = {a["id"] for a in newcomers}
        for acc in newcomers:
            acc["_welcomed"] = rng.random() < 0.55
        no_target = {a["id"] for a in newcomers if not a["_welcomed"]}
        regulars = [*returners, *newcomers]
        participants = [*self.hosts, *regulars]
        topics = self.session_topics[s]
        session_posts: list[dict[str, Any]] = []

        def add(p: dict[str, Any]) -> dict[str, Any]:
            session_posts.append(p)
            return p

        # weighted pools
        reg_cum = _cumulative([a["_weight"] for a in regulars])
        host_w = max(1.0, sorted(a["_weight"] for a in regulars)[len(regulars) // 2] * 3)
        all_cum = _cumulative([host_w, host_w, *(a["_weight"] for a in regulars)])

        def pick_regular() -> dict[str, Any]:
            return rng.choices(regulars, cum_weights=reg_cum)[0]

        def pick_any() -> dict[str, Any]:
            return rng.choices(participants, cum_weights=all_cum)[0]

        targets_for_mention = [a for a in participants if a["id"] not in no_target]

        def maybe_mention(tb: _Text, author: dict[str, Any], avoid: str | None, p: float) -> None:
            if rng.random() >= p:
                return
            if rng.random() < 0.15:
                tb.phrase(rng.choice(_ORG_MENTION_PHRASES), rng.choice(self.orgs))
                return
            pool = targets_for_mention
            if self.seen and rng.random() < 0.1:
                pool = self.seen  # someone from an earlier week who is not here tonight
            for _ in range(6):
                m = rng.choice(pool)
                if m["id"] not in (author["id"], avoid) and m["id"] not in no_target:
                    tb.phrase(rng.choice(_MENTION_PHRASES), m)
                    return

        # ---- timeline
        q_ms = [t0 + rng.randrange(240_000, 330_000)]
        for _ in range(_N_QUESTIONS - 1):
            q_ms.append(q_ms[-1] + rng.randrange(600_000, 660_000))
        wrap_ms = q_ms[-1] + rng.randrange(300_000, 420_000)
        opens = [(t0, "intro"), *[(q_ms[k], k + 1) for k in range(_N_QUESTIONS)], (wrap_ms, "wrapup")]

        def segment_at(ms: int) -> Any:
            seg: Any = "intro"
            for when, name in opens:
                if ms >= when:
                    seg = name
            return seg

        # ---- welcome
        titles = [_TOPICS[t][0] for t in topics]
        tb = _Text().s("Welcome to tonight's ").tag(HASHTAG).s(f" on {titles[0]}, {titles[1]} and more! 👋")
        if rng.random() < 0.5:
            tb.s(" I'm hosting with ").at(co).s(" tonight.")
        tb.s("\n\nWe'll post 5 questions (Q1, Q2…), please answer with A1, A2… and use the hashtag. "
             "Introduce yourselves!")
        welcome = add(self._post(t0 + rng.randrange(3000, 40_000), lead, "original", tb, session=s,
                                 segment="intro", role="welcome"))

        # ---- introductions
        intro_of: dict[str, dict[str, Any]] = {}
        for acc in regulars:
            is_new = acc["id"] in first_timers
            if rng.random() >= (0.72 if is_new else 0.35):
                continue
            place = (acc["location"].split(",")[0] or "the UK") if acc["location"] != "UK" else "the UK"
            role = acc["_role_phrase"]
            tmpl = rng.choice(_INTRO_NEW if is_new else _INTRO_BACK)
            article = "an" if role[0] in "AEIOUaeiou" else "a"
            words = {"first": acc["_first"], "role": role, "place": place, "Role": _cap(role),
                     "a_role": f"{article} {role}"}
            tb = _Text().tagged(tmpl, acc["_tag"], **words)
            ms = rng.randrange(welcome["ms"] + 15_000, q_ms[0] - 10_000)
            intro_of[acc["id"]] = add(self._post(ms, acc, "original", tb, session=s, segment="intro",
                                                 role="intro"))
        # co-host says hello too
        tb = _Text().s("Evening all! Lovely to see so many familiar and new faces ").tag(HASHTAG)
        add(self._post(rng.randrange(welcome["ms"] + 10_000, q_ms[0] - 60_000), co, "original", tb,
                       session=s, segment="intro", role="intro"))

        # ---- welcomes for the newcomers chosen to be welcomed
        welcomed = [a for a in newcomers if a["_welcomed"]]
        group: list[dict[str, Any]] = []
        answer_welcome: list[dict[str, Any]] = []
        old_hands = [*self.hosts, *returners]
        for acc in welcomed:
            intro = intro_of.get(acc["id"])
            if intro is not None and rng.random() < 0.75:
                by = rng.choice(self.hosts) if rng.random() < 0.6 or not returners else rng.choice(returners)
                tmpl = rng.choice(_WELCOME_REPLIES)
                tb = _Text().at(acc, leading=True).s(" ").tagged(tmpl, by["_tag"], first=acc["_first"])
                ms = intro["ms"] + rng.randrange(20_000, 180_000)
                add(self._post(ms, by, "reply", tb, session=s, segment="intro", role="welcome_reply",
                               parent=intro, display=tb.reply_range()))
            elif intro is not None or rng.random() < 0.5:
                group.append(acc)
            else:
                answer_welcome.append(acc)
        for i in range(0, len(group), 4):
            chunk = group[i:i + 4]
            tb = _Text().s("A warm welcome to everyone new to ").tag(HASHTAG).s(" tonight, including ")
            for j, acc in enumerate(chunk):
                if j:
                    tb.s(" and " if j == len(chunk) - 1 else ", ")
                tb.at(acc)
            tb.s(" 👋")
            add(self._post(q_ms[0] - rng.randrange(20_000, 90_000), co, "original", tb, session=s,
                           segment="intro", role="group_welcome"))

        # ---- retweets of the pre-collection promo, early in the hour
        done: set[tuple[str, int]] = set()
        for _ in range(max(1, round(0.012 * budget))):
            acc = pick_regular()
            promo = rng.choice(self.promos)
            if (acc["id"], id(promo)) in done:
                continue
            done.add((acc["id"], id(promo)))
            add(self._retweet(rng.randrange(t0 + 20_000, q_ms[0] - 5000), acc, promo, s, "intro"))

        # ---- questions
        styles = {}
        for h in self.hosts:
            styles[h["id"]] = (rng.randrange(5), rng.choices(("", "❓", "tag", "👉"), (60, 15, 18, 7))[0])
        questions = []
        for k in range(1, _N_QUESTIONS + 1):
            host = lead if k % 2 == 1 else co
            label_style, prefix = styles[host["id"]]
            if rng.random() < 0.2:
                label_style = rng.randrange(5)
            label = (f"Q{k}:", f"Q{k}.", f"Q{k})", f"Q {k} -", f"Question {k}:")[label_style]
            topic = topics[k - 1]
            asked = self.asked.get(topic, rng.randrange(2))
            self.asked[topic] = asked + 1
            qtext = _TOPICS[topic][1][asked % 2]
            tb = _Text()
            if prefix == "tag":
                tb.tag(HASHTAG).s(f" {label} {qtext}")
            else:
                tb.s(f"{prefix}{label} {qtext} ").tag(HASHTAG)
            q = add(self._post(q_ms[k - 1], host, "original", tb, session=s, segment=k, role="question"))
            q["_label"] = label
            q["_topic"] = topic
            questions.append(q)

        # ---- answers (every regular who did not introduce themselves answers at least once)
        n_answers = max(_N_QUESTIONS * 3, round(0.27 * budget))
        shares = (1.25, 1.1, 1.0, 0.9, 0.75)
        per_q = [round(n_answers * w / sum(shares)) for w in shares]
        guaranteed: list[list[dict[str, Any]]] = [[] for _ in range(_N_QUESTIONS)]
        for acc in regulars:
            if acc["id"] not in intro_of:
                k = rng.choices(range(_N_QUESTIONS), (30, 25, 20, 15, 10))[0]
                guaranteed[k].append(acc)
        answers: list[list[dict[str, Any]]] = [[] for _ in range(_N_QUESTIONS)]
        first_answer: dict[str, dict[str, Any]] = {}
        for k in range(1, _N_QUESTIONS + 1):
            q = questions[k - 1]
            topic = q["_topic"]
            next_open = q_ms[k] if k < _N_QUESTIONS else wrap_ms
            authors = guaranteed[k - 1] + [pick_regular() for _ in range(max(0, per_q[k - 1] - len(guaranteed[k - 1])))]
            if rng.random() < 0.5:
                authors.append(lead if k % 2 == 0 else co)  # the other host answers too
            for acc in authors:
                if rng.random() < 0.08:
                    ms = next_open + rng.randrange(20_000, 200_000)
                else:
                    ms = q["ms"] + 15_000 + int(rng.gammavariate(2.0, 65_000))
                if ms > end - 3000:
                    ms = rng.randrange(q["ms"] + 15_000, end - 3000)
                form = rng.random()
                tb = _Text()
                as_reply = form >= 0.55
                labelled = form < 0.85
                if as_reply:
                    tb.at(self.accounts[q["author_id"]], leading=True).s(" ")
                tag_first = not as_reply and rng.random() < 0.12
                if tag_first:
                    tb.tag(acc["_tag"]).s(" ")
                if labelled:
                    tb.s(self._answer_label(acc, k) + " ")
                tb.s(self._fill(rng.choice(_ANSWER_BODIES), topic))
                if rng.random() < 0.3:
                    tb.s(self._fill(rng.choice(_ANSWER_TAILS), topic))
                maybe_mention(tb, acc, q["author_id"], 0.07)
                if rng.random() < 0.05:
                    url = self._article_url(rng.choice(self.orgs), topic, t0 - rng.randrange(1, 60) * 86_400_000)
                    tb.s(" ").url(self._tco(), url, _display_url(url))
                if rng.random() < 0.07:
                    tb.s(" ").tag(_TOPICS[topic][3])
                tagged = not as_reply or rng.random() < 0.85
                if tagged and not tag_first:
                    tb.s(" ").tag(acc["_tag"])
                disp = tb.reply_range() if as_reply else None
                a = add(self._post(ms, acc, "reply" if as_reply else "original", tb, session=s,
                                   segment=k, role="answer", parent=q if as_reply else None,
                                   display=disp))
                answers[k - 1].append(a)
                if acc["id"] not in first_answer or ms < first_answer[acc["id"]]["ms"]:
                    first_answer[acc["id"]] = a
                if rng.random() < 0.03 and ms + 40_000 < end:  # a (2/2) continuation
                    tb = _Text().s(self._fill(rng.choice(_CONTINUATIONS), topic))
                    if rng.random() < 0.6:
                        tb.s(" ").tag(acc["_tag"])
                    add(self._post(ms + rng.randrange(20_000, 40_000), acc, "reply", tb, session=s,
                                   segment=k, role="continuation", parent=a))

        # welcomes on a newcomer's first answer
        for acc in answer_welcome:
            first = first_answer.get(acc["id"])
            if first is None:
                continue
            a = first
            ms = a["ms"] + rng.randrange(30_000, 150_000)
            if ms > end:
                continue
            by = rng.choice(old_hands)
            tb = _Text().at(acc, leading=True).s(" ")
            tb.tagged(rng.choice(_WELCOME_ANSWER_REPLIES), by["_tag"])
            add(self._post(ms, by, "reply", tb, session=s, segment=a["segment"],
                           role="welcome_reply", parent=a, display=tb.reply_range()))

        # ---- planned counts for the rest of the hour
        n_rt = round(0.12 * budget)
        n_quotes = max(1, round(0.03 * budget))
        n_misc = max(1, round(0.02 * budget))
        n_thanks = max(2, round(0.035 * budget))
        n_replies = max(0, budget - len(session_posts) - n_rt - n_quotes - n_misc - n_thanks - 1)

        # ---- replies in the question threads
        reply_pools: list[list[dict[str, Any]]] = []
        answer_pools: list[list[dict[str, Any]]] = []
        for k in range(_N_QUESTIONS):
            pool = []
            for a in answers[k]:
                if a["author_id"] not in no_target:
                    pool.extend([a] * (1 + min(3, int(self.accounts[a["author_id"]]["_weight"]))))
            answer_pools.append(pool)
            reply_pools.append([])
        q_weights = [max(1, len(answer_pools[k])) for k in range(_N_QUESTIONS)]
        made = attempts = 0
        n_reply_quotes = max(1, round(0.006 * budget))
        while made < n_replies and attempts < n_replies * 4:
            attempts += 1
            k = rng.choices(range(_N_QUESTIONS), q_weights)[0]
            if not answer_pools[k]:
                continue
            topic = questions[k]["_topic"]
            if reply_pools[k] and rng.random() < 0.45:
                parent = rng.choice(reply_pools[k])
            else:
                parent = rng.choice(answer_pools[k])
            grand = parent["_parent"]
            back = (grand is not None and grand["role"] != "question"
                    and grand["author_id"] != parent["author_id"] and rng.random() < 0.45)
            author = self.accounts[grand["author_id"]] if back else pick_any()
            if author["id"] == parent["author_id"]:
                continue
            ms = parent["ms"] + 10_000 + int(rng.expovariate(1 / 100_000))
            if ms > end:
                continue
            pa = self.accounts[parent["author_id"]]
            tb = _Text().at(pa, leading=True).s(" ")
            quote_art = None
            if made < n_reply_quotes and not back and rng.random() < 0.5:
                quote_art = self._article(topic, t0)
                tb.s(f"have you seen this on {rng.choice(_TOPICS[topic][2])}? Really useful")
            else:
                tb.s(self._fill(rng.choice(_BACK_BODIES if back else _REPLY_BODIES), topic))
            maybe_mention(tb, author, pa["id"], 0.06)
            if rng.random() < 0.55:
                tb.s(" ").tag(author["_tag"])
            disp = tb.reply_range()
            if quote_art is not None:
                disp = (disp[0], self._add_quote_link(tb)[1])
            r = add(self._post(ms, author, "reply", tb, session=s, segment=k + 1, role="reply",
                               parent=parent, quoted=quote_art, display=disp))
            made += 1
            # nesting below the answer: reply 1 … 4 levels deep
            r["_td"] = parent.get("_td", 0) + 1
            if r["_td"] < 4 and author["id"] not in no_target:
                reply_pools[k].append(r)

        # ---- retweets of questions and mention-free answers
        rt_ok = [[a for a in answers[k] if not a["mentions"] and a["author_id"] not in no_target]
                 for k in range(_N_QUESTIONS)]
        for _ in range(n_rt):
            draw = rng.random()
            k = rng.randrange(_N_QUESTIONS)
            orig = questions[k] if draw < 0.3 or not rt_ok[k] else rng.choice(rt_ok[k])
            who = pick_any()
            key = (who["id"], id(orig))
            if who["id"] == orig["author_id"] or key in done:
                continue
            ms = orig["ms"] + 5000 + int(rng.expovariate(1 / 150_000))
            if ms > end:
                continue
            done.add(key)
            add(self._retweet(ms, who, orig, s, orig["segment"]))

        # ---- quotes: of answers in the chat, and of outside articles (labelled answers)
        quotable = [[a for a in answers[k] if a["author_id"] not in no_target]
                    for k in range(_N_QUESTIONS)]
        for _ in range(n_quotes):
            k = rng.randrange(_N_QUESTIONS)
            topic = questions[k]["_topic"]
            who = pick_regular()
            quoted = rng.choice(quotable[k]) if quotable[k] and rng.random() < 0.6 else None
            if quoted is not None and quoted["author_id"] != who["id"]:
                orig = quoted
                ms = orig["ms"] + 30_000 + int(rng.expovariate(1 / 200_000))
                tb = _Text().s(self._fill(rng.choice(_QUOTE_COMMENTS), topic) + " ").tag(who["_tag"])
                seg = orig["segment"]
            else:
                orig = self._article(topic, t0)
                ms = q_ms[k] + 60_000 + int(rng.gammavariate(2.0, 60_000))
                word = rng.choice(_TOPICS[topic][2])
                tb = _Text().s(f"{self._answer_label(who, k + 1)} this piece on {word} is really "
                               "useful ").tag(who["_tag"])
                seg = k + 1
            if ms > end:
                continue
            disp = self._add_quote_link(tb)
            add(self._post(ms, who, "quote", tb, session=s, segment=seg, role="quote", quoted=orig,
                           display=disp))

        # ---- misc posts during the questions
        for _ in range(n_misc):
            who = pick_regular()
            ms = rng.randrange(q_ms[0] + 30_000, wrap_ms - 5000)
            tb = _Text().tagged(rng.choice(_MISC), who["_tag"])
            add(self._post(ms, who, "original", tb, session=s, segment=segment_at(ms), role="misc"))

        # ---- wrap-up and thanks
        nxt = (f"Next week: {_TOPICS[self.session_topics[s + 1][0]][0]}."
               if s + 1 < self.n_sessions else "We're taking a short break, see you soon!")
        summary = f"https://swchatuk.wordpress.com/{day.year}/{day.month:02d}/{day.day:02d}/swchat-summary/"
        tb = _Text().s("That's all five questions! Thanks everyone for joining ").tag(HASHTAG)
        tb.s(f" tonight 💜 {nxt} Summary to follow on the blog: ")
        tb.url(self._tco(), summary, _display_url(summary))
        wrap = add(self._post(wrap_ms, lead, "original", tb, session=s, segment="wrapup", role="wrapup"))
        tb = _Text().s("Thank you all from me too, see you next Wednesday! ").tag(HASHTAG)
        add(self._post(rng.randrange(wrap_ms + 15_000, end), co, "original", tb, session=s,
                       segment="wrapup", role="thanks"))
        for _ in range(n_thanks):
            who = pick_regular()
            ms = rng.randrange(wrap_ms + 20_000, end)
            draw = rng.random()
            if draw < 0.45:
                tb = _Text().at(lead, leading=True).s(" " + rng.choice(_THANKS_REPLIES))
                if rng.random() < 0.5:
                    tb.s(" ").tag(who["_tag"])
                add(self._post(ms, who, "reply", tb, session=s, segment="wrapup", role="thanks",
                               parent=wrap, display=tb.reply_range()))
            elif draw < 0.85:
                tb = _Text().tagged(rng.choice(_THANKS), who["_tag"])
                add(self._post(ms, who, "original", tb, session=s, segment="wrapup", role="thanks"))
            elif (who["id"], id(wrap)) not in done:
                done.add((who["id"], id(wrap)))
                add(self._retweet(ms, who, wrap, s, "wrapup"))

        for acc in regulars:
            if acc["id"] not in self.seen_ids:
                self.seen_ids.add(acc["id"])
                self.seen.append(acc)
        self.seen_after.append(len(self.seen))

    # ---------------------------------------------------------------- between sessions

    def promos_before_collection(self) -> None:
        rng = self.rng
        first = _local_ms(self.start, 12)
        texts = (
            ("", " is back! Every Wednesday 8-9pm UK time: five questions, one hour, lots of "
             "support for social workers, students and allies. Spread the word 💜 "),
            ("New to ", "? It's a friendly weekly chat for anyone in social work. Wednesdays "
             "8pm UK time, just follow the hashtag and say hello 👋 "),
        )
        for host, (before, after) in zip(self.hosts, texts, strict=True):
            ms = first - rng.randrange(4, 12) * 86_400_000 - rng.randrange(3_600_000, 20_000_000)
            url = "https://swchatuk.wordpress.com/about/"
            tb = _Text().s(before).tag(HASHTAG).s(after).url(self._tco(), url, _display_url(url))
            self.promos.append(self._post(ms, host, "original", tb, session=None, segment=None,
                                          role="context", context=True))

    def chatter(self) -> None:
        rng = self.rng
        extra = max(1, round(self.scale ** 0.5))
        for w in range(self.n_sessions + 1):
            seen = self.seen[:self.seen_after[w - 1]] if w else []
            if w < self.n_sessions:
                day = self.start + timedelta(weeks=w)
                host = self.hosts[w % 2]
                t1, t2 = _TOPICS[self.session_topics[w][0]][0], _TOPICS[self.session_topics[w][1]][0]
                ms = _local_ms(day - timedelta(days=2), 10) + rng.randrange(8 * _HOUR_MS)
                tb = _Text().s("This Wednesday at 8pm UK time on ").tag(HASHTAG).s(
                    f" we're talking {t1} and {t2}. Join us! 💜")
                promo = self._post(ms, host, "original", tb, session=None, segment=None, role="chatter")
                if rng.random() < 0.8:
                    ms2 = _local_ms(day, 12) + rng.randrange(4 * _HOUR_MS)
                    tb = _Text().s("Tonight at 8pm: ").tag(HASHTAG).s(f" on {t1}. See you there!")
                    self._post(ms2, host, "original", tb, session=None, segment=None, role="chatter")
                who = rng.choice(seen) if seen and rng.random() < 0.6 else self.orgs[1]
                self._retweet(promo["ms"] + rng.randrange(600_000, 30 * _HOUR_MS), who, promo,
                              None, None, role="chatter")
                if seen:
                    for _ in range(extra):
                        if rng.random() < 0.6:
                            fan = rng.choice(seen)
                            tb = _Text().at(host, leading=True).s(" Looking forward to it!")
                            if rng.random() < 0.7:
                                tb.s(" ").tag(fan["_tag"])
                            self._post(promo["ms"] + rng.randrange(300_000, 20 * 3_600_000), fan,
                                       "reply", tb, session=None, segment=None, role="chatter",
                                       parent=promo, display=tb.reply_range())
            if seen:
                prev = self.start + timedelta(weeks=w - 1)
                for _ in range(rng.randint(1, 3) * extra):
                    fan = rng.choice(seen)
                    ms = _local_ms(prev + timedelta(days=rng.randint(1, 3)), 8) + rng.randrange(13 * _HOUR_MS)
                    topic = _TOPICS[self.session_topics[w - 1][rng.randrange(_N_QUESTIONS)]][0]
                    tb = _Text().tagged(rng.choice(_CHATTER), fan["_tag"], topic=topic)
                    self._post(ms, fan, "original", tb, session=None, segment=None, role="chatter")

    # ---------------------------------------------------------------- finishing

    def finish(self) -> SampleChat:
        rng = self.rng
        # Context posts exist only as references: drop any promo or article nobody used.
        used = {id(p[k]) for p in self.all for k in ("_parent", "_rt", "_quote") if p[k] is not None}
        self.all = [p for p in self.all if not p["is_context"] or id(p) in used]
        self.all.sort(key=lambda p: p["ms"])  # stable: ties keep creation order
        for p in self.all:
            p["id"] = self._unique_id(p["ms"])
            p["created_at"] = _iso(p["ms"])
        for p in self.all:
            parent, rt, qt = p.pop("_parent"), p.pop("_rt"), p.pop("_quote")
            if parent is not None:
                p["reply_to_id"] = parent["id"]
                parent["reply_count"] += not p["is_context"]
            if rt is not None:
                p["retweeted_id"] = rt["id"]
                rt["retweet_count"] += 1
            if qt is not None:
                p["quoted_id"] = qt["id"]
                qt["quote_count"] += 1
                url = f"https://twitter.com/{self.accounts[qt['author_id']]['username']}/status/{qt['id']}"
                link = p["urls"][-1]
                link[3], link[4] = url, _display_url(url)
            p["_root"] = parent["_root"] if parent is not None else p["id"]
            p["conversation_id"] = p["_root"]
        by_id = _by_id(self.all)
        for p in self.all:
            if p["kind"] == "retweet":
                continue
            if p["role"] == "question":
                p["like_count"] = int(rng.lognormvariate(2.3, 0.5))
            elif p["is_context"]:
                p["like_count"] = int(rng.lognormvariate(4.0, 0.8))
                p["retweet_count"] += int(rng.lognormvariate(2.5, 1.0))
            else:
                p["like_count"] = int(rng.expovariate(1 / 3.0)) + p["reply_count"]
        for p in self.all:
            if p["kind"] == "retweet":
                p["retweet_count"] = by_id[p["retweeted_id"]]["retweet_count"]
        posts = [p for p in self.all if not p["is_context"]]
        context = [p for p in self.all if p["is_context"]]
        retrieved = _iso(posts[-1]["ms"] + 86_400_000 + rng.randrange(3_600_000))
        accounts = {}
        for aid, acc in self.accounts.items():
            accounts[aid] = {k: v for k, v in acc.items() if not k.startswith("_")}
        truth = _truth(self, posts, context, accounts)
        for p in self.all:
            for key in [k for k in p if k.startswith("_")]:
                del p[key]
        return SampleChat(seed=self.seed, posts=posts, context_posts=context, accounts=accounts,
                          truth=truth, retrieved_at=retrieved)


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


# --------------------------------------------------------------------------- truth


def _truth(gen: _Generator, posts: list[dict], context: list[dict],
           accounts: dict[str, dict]) -> dict[str, Any]:
    handle = {aid: a["username"] for aid, a in accounts.items()}
    by_id = _by_id(posts, context)
    tag = HASHTAG.lower()

    def untagged(p: dict) -> bool:
        return p["kind"] != "retweet" and not any(t[2].lower() == tag for t in p["hashtags"])

    sessions_posts: list[list[dict]] = [[] for _ in range(gen.n_sessions)]
    between = []
    for p in posts:
        if p["session"] is None:
            between.append(p)
        else:
            sessions_posts[p["session"]].append(p)
    part_sets = [{p["author_id"] for p in sp} for sp in sessions_posts]
    later: list[set[str]] = [set() for _ in range(gen.n_sessions)]
    acc_later: set[str] = set()
    for i in range(gen.n_sessions - 1, -1, -1):
        later[i] = set(acc_later)
        acc_later |= part_sets[i]
    seen_before: set[str] = set()
    rec = {"welcomed": [0, 0], "not_welcomed": [0, 0]}
    out_sessions = []
    for i, sp in enumerate(sessions_posts):
        day = gen.start + timedelta(weeks=i)
        parts = part_sets[i]
        newcomers = parts - seen_before
        returners = parts & seen_before
        received: set[str] = set()
        for p in sp:
            if p["reply_to_author_id"] and p["reply_to_author_id"] != p["author_id"]:
                received.add(p["reply_to_author_id"])
            for m in p["text_mentions"]:
                if m != p["author_id"]:
                    received.add(m)
        welcomed = newcomers & received
        returned = newcomers & later[i]
        if i < gen.n_sessions - 1:
            for n in newcomers:
                key = "welcomed" if n in welcomed else "not_welcomed"
                rec[key][0] += 1
                rec[key][1] += n in later[i]
        edges: dict[str, set[tuple[str, str]]] = {k: set() for k in ("reply", "retweet", "quote", "mention")}
        for p in sp:
            a = p["author_id"]
            if p["reply_to_author_id"] and p["reply_to_author_id"] != a:
                edges["reply"].add((handle[a], handle[p["reply_to_author_id"]]))
            if p["retweeted_id"]:
                b = by_id[p["retweeted_id"]]["author_id"]
                if b != a:
                    edges["retweet"].add((handle[a], handle[b]))
            if p["quoted_id"]:
                b = by_id[p["quoted_id"]]["author_id"]
                if b != a:
                    edges["quote"].add((handle[a], handle[b]))
            for m in p["text_mentions"]:
                if m != a:
                    edges["mention"].add((handle[a], handle[m]))
        questions = []
        segs: dict[Any, list[str]] = {"intro": [], "wrapup": []}
        for k in range(1, _N_QUESTIONS + 1):
            segs[k] = []
        for p in sp:
            segs[p["segment"]].append(p["id"])
        q_posts = [p for p in sp if p["role"] == "question"]
        q_posts.sort(key=lambda p: p["ms"])
        for k, q in enumerate(q_posts, 1):
            topic = q["_topic"]
            ids = segs[k]
            questions.append({
                "number": k, "label": q["_label"], "text": q["text"], "post_id": q["id"],
                "time": q["created_at"], "host": handle[q["author_id"]], "topic": topic,
                "vocabulary": [w.lower() for w in _TOPICS[topic][2]],
                "post_ids": ids, "posts": len(ids),
                "participants": len({by_id[x]["author_id"] for x in ids}),
            })
        welcome = next(p for p in sp if p["role"] == "welcome")
        out_sessions.append({
            "id": f"{HASHTAG}-{day.isoformat()}", "index": i, "date": day.isoformat(),
            "scheduled_start": _iso(_local_ms(day, _LOCAL_HOUR)),
            "lead_host": handle[welcome["author_id"]],
            "start": sp[0]["created_at"], "end": sp[-1]["created_at"],
            "hosts": sorted({q["host"] for q in questions}),
            "post_ids": [p["id"] for p in sp], "posts": len(sp),
            "untagged_post_ids": [p["id"] for p in sp if untagged(p)],
            "participants": sorted(handle[a] for a in parts),
            "newcomers": sorted(handle[a] for a in newcomers),
            "returners": sorted(handle[a] for a in returners),
            "retention": (len(parts & later[i]) / len(parts)) if i < gen.n_sessions - 1 else None,
            "newcomers_welcomed": sorted(handle[a] for a in welcomed),
            "newcomers_returned": sorted(handle[a] for a in returned),
            "questions": questions,
            "intro_post_ids": segs["intro"],
            "wrapup_post_ids": segs["wrapup"],
            "edges": {k: {"count": len(v), "pairs": [list(e) for e in sorted(v)]}
                      for k, v in edges.items()},
        })
        seen_before |= parts
    by_kind = dict.fromkeys(("original", "reply", "retweet", "quote"), 0)
    for p in posts:
        by_kind[p["kind"]] += 1
    return {
        "seed": gen.seed,
        "hashtag": HASHTAG,
        "timezone": TIMEZONE,
        "schedule": {"weekday": "Wednesday", "local_hour": _LOCAL_HOUR, "duration_minutes": 60},
        "hosts": [h["username"] for h in gen.hosts],
        "host_ids": {h["username"]: h["id"] for h in gen.hosts},
        "counts": {
            "posts": len(posts),
            "by_kind": by_kind,
            "context_posts": len(context),
            "accounts": len({p["author_id"] for p in posts}),
            "session_posts": sum(len(sp) for sp in sessions_posts),
            "between_session_posts": len(between),
            "untagged_posts": sum(untagged(p) for p in posts),
        },
        "sessions": out_sessions,
        "between_session_post_ids": [p["id"] for p in between],
        "context_post_ids": [p["id"] for p in context],
        "receptivity": {
            key: {"newcomers": n, "returned": r, "rate": (r / n) if n else None}
            for key, (n, r) in rec.items()
        },
    }


# --------------------------------------------------------------------------- public API


def generate(seed: int = 2026, sessions: int = 6, posts: int | None = None, *,
             start: date = DEFAULT_START) -> SampleChat:
    """Generate a season of weekly #SWChat sessions with ground truth.

    Parameters
    ----------
    seed : int, default 2026
        Seed of the one :class:`random.Random` used; the same seed gives the same chat.
    sessions : int, default 6
        Number of weekly sessions (Wednesdays 20:00-21:00 Europe/London).
    posts : int, optional
        Approximate total number of posts; default ``200 * sessions``. Larger values give
        more posts per session and more accounts (100,000 posts take a few seconds).
        At least 60 per session.
    start : datetime.date, default :data:`DEFAULT_START`
        The first session's date; must be a Wednesday.

    Returns
    -------
    SampleChat
        Posts, context posts, accounts and :attr:`SampleChat.truth`.

    Raises
    ------
    ValueError
        For fewer than one session, too few posts, or a start that is not a Wednesday.

    Examples
    --------
    >>> chat = generate(seed=3, sessions=4, posts=500)
    >>> len(chat.truth["sessions"]), chat.truth["hosts"]
    (4, ['SWChatHost', 'SWChatCoHost'])
    >>> chat.truth["counts"]["posts"] == len(chat.posts)
    True
    """
    with _gc_paused():
        gen = _Generator(seed, sessions, posts, start)
        gen.promos_before_collection()
        for s in range(sessions):
            gen.session(s)
        gen.chatter()
        return gen.finish()


# --------------------------------------------------------------------------- writers: v2


def _v2_tweet(p: dict, accounts: dict) -> dict[str, Any]:
    t: dict[str, Any] = {
        "id": p["id"], "text": p["text"], "author_id": p["author_id"],
        "created_at": p["created_at"], "conversation_id": p["conversation_id"],
        "edit_history_tweet_ids": [p["id"]], "lang": p["lang"], "source": p["source"],
        "reply_settings": "everyone", "possibly_sensitive": False,
        "public_metrics": {"retweet_count": p["retweet_count"], "reply_count": p["reply_count"],
                           "like_count": p["like_count"], "quote_count": p["quote_count"]},
    }
    if p["reply_to_id"]:
        t["in_reply_to_user_id"] = p["reply_to_author_id"]
    refs = []
    if p["quoted_id"]:
        refs.append({"type": "quoted", "id": p["quoted_id"]})
    if p["reply_to_id"]:
        refs.append({"type": "replied_to", "id": p["reply_to_id"]})
    if p["retweeted_id"]:
        refs.append({"type": "retweeted", "id": p["retweeted_id"]})
    if refs:
        t["referenced_tweets"] = refs
    ents: dict[str, Any] = {}
    if p["hashtags"]:
        ents["hashtags"] = [{"start": a, "end": b, "tag": tag} for a, b, tag in p["hashtags"]]
    if p["mentions"]:
        ents["mentions"] = [{"start": a, "end": b, "username": accounts[m]["username"], "id": m}
                            for a, b, m in p["mentions"]]
    if p["urls"]:
        ents["urls"] = [{"start": a, "end": b, "url": u, "expanded_url": e, "display_url": d}
                        for a, b, u, e, d in p["urls"]]
    if ents:
        t["entities"] = ents
    return t


def _v2_user(a: dict) -> dict[str, Any]:
    u: dict[str, Any] = {
        "id": a["id"], "username": a["username"], "name": a["name"],
        "created_at": _iso(a["created_ms"]), "description": a["description"],
    }
    if a["location"]:
        u["location"] = a["location"]
    u.update({
        "url": "", "verified": a["verified"], "protected": False,
        "profile_image_url": a["profile_image_url"],
        "public_metrics": {"followers_count": a["followers"], "following_count": a["following"],
                           "tweet_count": a["tweet_count"], "listed_count": a["listed_count"]},
    })
    return u


def write_v2_pages(chat: SampleChat, path: str | Path, page_size: int = 100) -> Path:
    """Write the chat as X API v2 search response pages, as ``twarc2 search`` saves them.

    One JSON page per line, newest first: ``data`` (up to ``page_size`` tweets),
    ``includes`` (``users``: authors, replied-to, mentioned and referenced authors;
    ``tweets``: the replied-to, retweeted and quoted posts that are not in the page's own
    ``data`` — context posts, and chat posts that sit on another page), ``meta`` and
    ``__twarc``.

    Parameters
    ----------
    chat : SampleChat
        From :func:`generate`.
    path : str or Path
        The JSONL file to write.
    page_size : int, default 100
        Tweets per page (the API's ``max_results``).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_v2_pages(chat, pathlib.Path(d) / "v2.jsonl")
    ...     first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    >>> sorted(first)
    ['__twarc', 'data', 'includes', 'meta']
    """
    path = Path(path)
    accounts = chat.accounts
    by_id = chat._index()
    tweet = _once_per_id(lambda p: _v2_tweet(p, accounts))
    user = _once_per_id(_v2_user)

    url = ("https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id"
           "%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username"
           "&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid"
           "%2Cin_reply_to_user_id%2Clang%2Cpublic_metrics%2Ctext%2Cpossibly_sensitive"
           "%2Creferenced_tweets%2Creply_settings%2Csource%2Cedit_history_tweet_ids"
           "&user.fields=created_at%2Cdescription%2Cid%2Clocation%2Cname%2Cprofile_image_url"
           "%2Cprotected%2Cpublic_metrics%2Curl%2Cusername%2Cverified"
           f"&max_results={page_size}&query=%23{HASHTAG}%20OR%20conversation_id%3A*"
           f"&start_time={chat.posts[0]['created_at'][:10]}T00%3A00%3A00Z")
    newest_first = chat.posts[::-1]
    prev = None
    n_pages = (len(newest_first) + page_size - 1) // page_size
    token_rng = random.Random(f"{chat.seed}:v2-pages")
    with _gc_paused(), path.open("wb") as f:
        for i in range(n_pages):
            page = newest_first[i * page_size:(i + 1) * page_size]
            in_page = {p["id"] for p in page}
            users: dict[str, None] = {}
            inc_tweets: dict[str, None] = {}
            for p in page:
                users[p["author_id"]] = None
                if p["reply_to_author_id"]:
                    users[p["reply_to_author_id"]] = None
                for m in p["mentions"]:
                    users[m[2]] = None
                for ref in (p["reply_to_id"], p["quoted_id"], p["retweeted_id"]):
                    if ref and ref not in in_page and ref in by_id:
                        inc_tweets[ref] = None
            for ref in inc_tweets:
                users[by_id[ref]["author_id"]] = None
            meta: dict[str, Any] = {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"],
                                    "result_count": len(page)}
            if i < n_pages - 1:
                meta["next_token"] = "".join(token_rng.choices(_ALNUM[:26] + _ALNUM[52:], k=45))
            obj: dict[str, Any] = {
                "data": [tweet(p) for p in page],
                "includes": {"users": [user(accounts[a]) for a in users],
                             "tweets": [tweet(by_id[r]) for r in inc_tweets]},
                "meta": meta,
                "__twarc": {"url": url + (f"&next_token={prev}" if i else ""),
                            "version": "2.14.0", "retrieved_at": chat.retrieved_at[:19] + "+00:00"},
            }
            if not inc_tweets:
                del obj["includes"]["tweets"]
            prev = meta.get("next_token")
            f.write(orjson.dumps(obj))
            f.write(b"\n")
    return path


# --------------------------------------------------------------------------- writers: v1.1


def _v1_entities(p: dict, accounts: dict, js_ids: bool = False) -> dict[str, Any]:
    def num(aid: str) -> int:
        return _js_number(aid) if js_ids else int(aid)

    return {
        "hashtags": [{"text": tag, "indices": [a, b]} for a, b, tag in p["hashtags"]],
        "symbols": [],
        "user_mentions": [{"screen_name": accounts[m]["username"], "name": accounts[m]["name"],
                           "id": num(m), "id_str": m, "indices": [a, b]}
                          for a, b, m in p["mentions"]],
        "urls": [{"url": u, "expanded_url": e, "display_url": d, "indices": [a, b]}
                 for a, b, u, e, d in p["urls"]],
    }


def _v1_user(a: dict) -> dict[str, Any]:
    http = a["profile_image_url"].replace("https://pbs.", "http://pbs.").replace(
        "https://abs.", "http://abs.")
    return {
        "id": int(a["id"]), "id_str": a["id"], "name": a["name"], "screen_name": a["username"],
        "location": a["location"], "description": a["description"], "url": None,
        "entities": {"description": {"urls": []}}, "protected": False,
        "followers_count": a["followers"], "friends_count": a["following"],
        "listed_count": a["listed_count"], "created_at": _v1_time(a["created_ms"]),
        "favourites_count": a["tweet_count"] // 3, "utc_offset": None, "time_zone": None,
        "geo_enabled": False, "verified": a["verified"], "statuses_count": a["tweet_count"],
        "lang": None, "profile_image_url": http, "profile_image_url_https": a["profile_image_url"],
        "default_profile_image": a["profile_image_url"] == _DEFAULT_AVATAR,
    }


def _v1_status(p: dict, accounts: dict, user: dict) -> dict[str, Any]:
    reply = p["reply_to_id"]
    to = p["reply_to_author_id"]
    t: dict[str, Any] = {
        "created_at": _v1_time(p["ms"]), "id": int(p["id"]), "id_str": p["id"],
        "full_text": p["text"], "truncated": False, "display_text_range": p["display_text_range"],
        "entities": _v1_entities(p, accounts),
        "source": f'<a href="{_APP_HREF[p["source"]]}" rel="nofollow">{p["source"]}</a>',
        "in_reply_to_status_id": int(reply) if reply else None,
        "in_reply_to_status_id_str": reply,
        "in_reply_to_user_id": int(to) if reply else None,
        "in_reply_to_user_id_str": to if reply else None,
        "in_reply_to_screen_name": accounts[to]["username"] if reply else None,
        "user": user, "geo": None, "coordinates": None, "place": None, "contributors": None,
        "is_quote_status": bool(p["quoted_id"]),
    }
    if p["quoted_id"]:
        link = p["urls"][-1]
        t["quoted_status_id"] = int(p["quoted_id"])
        t["quoted_status_id_str"] = p["quoted_id"]
        t["quoted_status_permalink"] = {"url": link[2], "expanded": link[3], "display": link[4]}
    t.update({
        "retweet_count": p["retweet_count"],
        "favorite_count": 0 if p["kind"] == "retweet" else p["like_count"],
        "favorited": False, "retweeted": False, "possibly_sensitive": False, "lang": p["lang"],
    })
    return t


def _v1_statuses(accounts: dict) -> Callable[[dict], dict[str, Any]]:
    """The v1.1 status of a post (made once per post; its author's user object once per account)."""
    user = _once_per_id(_v1_user)
    return _once_per_id(lambda p: _v1_status(p, accounts, user(accounts[p["author_id"]])))


def write_v1_jsonl(chat: SampleChat, path: str | Path) -> Path:
    """Write the chat as X API v1.1 tweet objects (extended mode), one per line, newest first.

    Retweets carry the original in ``retweeted_status`` and quotes the quoted post in
    ``quoted_status``; context posts appear only there. A retweet's ``full_text`` is the
    ``RT @x: …`` form truncated to 140 characters, as the API returned it.

    Parameters
    ----------
    chat : SampleChat
        From :func:`generate`.
    path : str or Path
        The JSONL file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_v1_jsonl(chat, pathlib.Path(d) / "v1.jsonl")
    ...     first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    >>> first["id_str"] == chat.posts[-1]["id"]
    True
    """
    path = Path(path)
    by_id = chat._index()
    status = _v1_statuses(chat.accounts)
    with _gc_paused(), path.open("wb") as f:
        for p in reversed(chat.posts):
            t = status(p)
            if p["retweeted_id"] or p["quoted_id"]:
                t = dict(t)
                if p["retweeted_id"]:
                    t["retweeted_status"] = status(by_id[p["retweeted_id"]])
                if p["quoted_id"]:
                    t["quoted_status"] = status(by_id[p["quoted_id"]])
            f.write(orjson.dumps(t))
            f.write(b"\n")
    return path


# --------------------------------------------------------------------------- writers: TAGS


def write_tags_csv(chat: SampleChat, path: str | Path) -> Path:
    """Write the chat as a TAGS (Twitter Archiving Google Sheet) Archive export, newest first.

    Exactly :data:`TAGS_COLUMNS`; missing values (and zero follower/friend counts, as the
    sheet leaves them blank) are written ``NA``. ``created_at`` is v1.1 syntax in UTC;
    ``time`` is the sheet's local (Europe/London) time with a misleading ``Z`` and, for
    about a quarter of the rows, one second early (the sheet's float rounding) — trust
    ``created_at``. ``entities_str`` holds the v1.1 entities as compact JSON whose numeric
    ``id`` values went through JavaScript doubles (``id_str`` is exact). Retweet text is the
    truncated ``RT @x: …``; quotes appear with their own text only; context posts not at all.

    Parameters
    ----------
    chat : SampleChat
        From :func:`generate`.
    path : str or Path
        The CSV file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, csv
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_tags_csv(chat, pathlib.Path(d) / "tags.csv")
    ...     with out.open(newline="", encoding="utf-8") as f:
    ...         header = next(csv.reader(f))
    >>> len(header)
    18
    """
    path = Path(path)
    accounts = chat.accounts
    status = _v1_statuses(accounts)
    na = "NA"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(TAGS_COLUMNS)
        for p in reversed(chat.posts):
            t = status(p)  # the sheet collects through the v1.1 API and flattens its statuses
            u = t["user"]
            sec = p["ms"] // 1000 - (1 if p["ms"] % 1000 < 250 else 0)
            local = datetime.fromtimestamp(sec, _LONDON).strftime("%Y-%m-%dT%H:%M:%SZ")
            ents = orjson.dumps(_v1_entities(p, accounts, js_ids=True)).decode()
            w.writerow((
                t["id_str"], u["screen_name"], t["full_text"], t["created_at"], local, na, na,
                t["in_reply_to_user_id_str"] or na, t["in_reply_to_screen_name"] or na,
                u["id_str"], t["in_reply_to_status_id_str"] or na, t["source"], u["profile_image_url"],
                u["followers_count"] or na, u["friends_count"] or na, u["location"] or na,
                f"http://twitter.com/{u['screen_name']}/statuses/{t['id_str']}", ents,
            ))
    return path


# --------------------------------------------------------------------------- writers: rtweet, Twitter Archiver

#: The 90 columns of an rtweet (R package, 0.7) ``write_as_csv`` export, in order.
RTWEET_COLUMNS = (
    "user_id", "status_id", "created_at", "screen_name", "text", "source", "display_text_width",
    "reply_to_status_id", "reply_to_user_id", "reply_to_screen_name", "is_quote", "is_retweet",
    "favorite_count", "retweet_count", "quote_count", "reply_count", "hashtags", "symbols", "urls_url",
    "urls_t.co", "urls_expanded_url", "media_url", "media_t.co", "media_expanded_url", "media_type",
    "ext_media_url", "ext_media_t.co", "ext_media_expanded_url", "ext_media_type", "mentions_user_id",
    "mentions_screen_name", "lang", "quoted_status_id", "quoted_text", "quoted_created_at", "quoted_source",
    "quoted_favorite_count", "quoted_retweet_count", "quoted_user_id", "quoted_screen_name", "quoted_name",
    "quoted_followers_count", "quoted_friends_count", "quoted_statuses_count", "quoted_location",
    "quoted_description", "quoted_verified", "retweet_status_id", "retweet_text", "retweet_created_at",
    "retweet_source", "retweet_favorite_count", "retweet_retweet_count", "retweet_user_id",
    "retweet_screen_name", "retweet_name", "retweet_followers_count", "retweet_friends_count",
    "retweet_statuses_count", "retweet_location", "retweet_description", "retweet_verified", "place_url",
    "place_name", "place_full_name", "place_type", "country", "country_code", "geo_coords", "coords_coords",
    "bbox_coords", "status_url", "name", "location", "description", "url", "protected", "followers_count",
    "friends_count", "listed_count", "statuses_count", "favourites_count", "account_created_at", "verified",
    "profile_url", "profile_expanded_url", "account_lang", "profile_banner_url", "profile_background_url",
    "profile_image_url",
)
#: The 14 columns of a Twitter Archiver (Google Sheets add-on) sheet saved as CSV (``Verfied`` is its spelling).
ARCHIVER_COLUMNS = ("Date", "Screen Name", "Full Name", "Tweet Text", "Tweet ID", "App", "Followers", "Follows",
                    "Retweets", "Favorites", "Verfied", "User Since", "Location", "Bio")


class _Bare(str):
    """A cell R's ``write.csv`` leaves unquoted (a time, a logical, ``NA``) although it is text here.

    R quotes character columns and nothing else; ``csv.QUOTE_NONNUMERIC`` quotes every cell that
    is not a number, and ``__index__`` makes this one pass for a number (csv then writes the text
    as it is, with no Python call per cell).
    """

    __slots__ = ()

    def __index__(self) -> int:  # only so that csv writes it unquoted; never used as a number
        return 0


_NA = _Bare("")  # rtweet's write_as_csv writes NA as an empty, unquoted cell (na = "")
_R_TRUE, _R_FALSE = _Bare("TRUE"), _Bare("FALSE")
_NO_GEO = ("NA NA", "NA NA", "NA NA NA NA NA NA NA NA")  # geo_coords, coords_coords, bbox_coords (character)


def _r_time(ms: int) -> _Bare:
    """A POSIXct as ``write.csv`` prints it in UTC, ``2020-11-18 10:38:13`` (unquoted)."""
    t = time.gmtime(ms // 1000)
    return _Bare(f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d} "
                 f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}")


def _r_list(items: list[str]) -> str | _Bare:
    """A list column flattened as rtweet does: space-separated, ``NA`` (empty) when there is none."""
    return " ".join(items) if items else _NA


def _rtweet_author(a: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """An account's cells: ``(user_id, screen_name)`` and the 18 columns from ``name`` to the end."""
    http = a["profile_image_url"].replace("https://", "http://", 1)  # the v1.1 profile_image_url
    return ("x" + a["id"], a["username"]), (
        a["name"], a["location"], a["description"], _NA, _R_FALSE, a["followers"], a["following"],
        a["listed_count"], a["tweet_count"], a["tweet_count"] // 3, _r_time(a["created_ms"]),
        _R_TRUE if a["verified"] else _R_FALSE, _NA, _NA, _NA, _NA, _NA, http,
    )


def _rtweet_referenced(p: dict[str, Any], a: dict[str, Any]) -> tuple[Any, ...]:
    """The 15 ``quoted_*`` or ``retweet_*`` cells of a referenced post (its full text; its author now)."""
    return (
        "x" + p["id"], p["text"], _r_time(p["ms"]), p["source"], p["like_count"], p["retweet_count"],
        "x" + a["id"], a["username"], a["name"], a["followers"], a["following"], a["tweet_count"],
        a["location"], a["description"], _R_TRUE if a["verified"] else _R_FALSE,
    )


_NO_REFERENCE = (_NA,) * 15
_NO_MEDIA = (_NA,) * 8  # media_* and ext_media_* (4 each)
_NO_PLACE = (_NA,) * 6  # place_url … country_code


def write_rtweet_csv(chat: SampleChat, path: str | Path) -> Path:
    """Write the chat as an rtweet (R package, 0.7) ``write_as_csv`` export, oldest first.

    One row per post of the chat (context posts appear only in the ``retweet_*`` and ``quoted_*``
    columns of the rows that refer to them), with exactly :data:`RTWEET_COLUMNS` and R's
    ``write.csv`` spellings: text columns quoted, numbers, times and ``TRUE``/``FALSE`` not;
    ``NA`` an empty unquoted cell; ids with rtweet's ``x`` prefix (``x1329011017389469696``);
    times UTC as ``2020-11-18 10:38:13``; lists (hashtags, mentions, links) space-separated;
    ``\\n`` line ends. Text is X's (``&amp;``, ``&lt;``, ``&gt;`` as the API escapes them).

    As rtweet collects through the v1.1 API: a retweet row's ``text`` is the original's full text
    (also in ``retweet_text``), while its hashtags, mentions (the retweeted account first) and
    links are those of the truncated ``RT @x: …`` the API returned, its ``favorite_count`` 0 and
    its ``retweet_count`` the original's; ``quote_count`` and ``reply_count`` are ``NA`` (v1.1
    has neither); the author columns are the account as the sample has it. Places,
    coordinates, media, symbols, profile links, banners and ``account_lang`` are ``NA``.

    Parameters
    ----------
    chat : SampleChat
        From :func:`generate`.
    path : str or Path
        The CSV file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, csv
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_rtweet_csv(chat, pathlib.Path(d) / "rtweet.csv")
    ...     with out.open(newline="", encoding="utf-8") as f:
    ...         header, first = next(csv.reader(f)), next(csv.reader(f))
    >>> len(header), first[1] == "x" + chat.posts[0]["id"]
    (90, True)
    """
    path = Path(path)
    accounts = chat.accounts
    by_id = chat._index()
    author = _once_per_id(_rtweet_author)
    referenced = _once_per_id(lambda q: _rtweet_referenced(q, accounts[q["author_id"]]))
    with _gc_paused(), path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        w.writerow(RTWEET_COLUMNS)
        for p in chat.posts:
            a = accounts[p["author_id"]]
            (user_id, handle), profile = author(a)
            start, end = p["display_text_range"]
            retweeted = by_id[p["retweeted_id"]] if p["retweeted_id"] else None
            quoted = referenced(by_id[p["quoted_id"]]) if p["quoted_id"] else _NO_REFERENCE
            parent, to = p["reply_to_id"], p["reply_to_author_id"]
            mentioned = [accounts[m[2]] for m in p["mentions"]]
            urls = p["urls"]
            w.writerow((
                user_id, "x" + p["id"], _r_time(p["ms"]), handle,
                retweeted["text"] if retweeted else p["text"], p["source"], end - start,
                "x" + parent if parent else _NA, "x" + to if parent else _NA,
                accounts[to]["username"] if parent else _NA,
                _R_TRUE if p["quoted_id"] else _R_FALSE, _R_TRUE if retweeted else _R_FALSE,
                0 if retweeted else p["like_count"], p["retweet_count"], _NA, _NA,
                _r_list([h[2] for h in p["hashtags"]]), _NA,  # symbols
                _r_list([u[4] for u in urls]), _r_list([u[2] for u in urls]), _r_list([u[3] for u in urls]),
                *_NO_MEDIA,
                _r_list(["x" + m["id"] for m in mentioned]), _r_list([m["username"] for m in mentioned]),
                p["lang"], *quoted, *(referenced(retweeted) if retweeted else _NO_REFERENCE), *_NO_PLACE,
                *_NO_GEO, f"https://twitter.com/{handle}/status/{p['id']}", *profile,
            ))
    return path


def _archiver_text(text: str) -> str:
    """Tweet text as the add-on writes it: the first ``&amp;``, ``&lt;`` and ``&gt;`` turned back, later
    ones left (it replaces each once, as JavaScript's ``String.replace`` with a string does)."""
    if "&" not in text:
        return text
    return text.replace("&amp;", "&", 1).replace("&lt;", "<", 1).replace("&gt;", ">", 1)


def write_archiver_sheet(chat: SampleChat, path: str | Path) -> Path:
    """Write the chat as a Twitter Archiver (Google Sheets add-on) sheet downloaded as CSV, oldest first.

    Exactly :data:`ARCHIVER_COLUMNS`, one row per post of the chat (the add-on appends each
    new search result at the bottom), as Google Sheets downloads it: fields quoted only where
    needed, ``\\r\\n`` line ends. ``Date`` and ``User Since`` are dates only, ``2/26/16``, in the
    sheet's local time (Europe/London here; the sheet does not say: import with ``tz``);
    ``Screen Name`` is ``@handle``; ``Verfied`` ``Yes``/``No``; ``Retweets`` and ``Favorites`` as
    v1.1 gives them (a retweet: the original's retweets, no favorites). ``Tweet Text`` is the
    v1.1 text with the first ``&amp;``, ``&lt;`` and ``&gt;`` turned back, as the add-on does; a
    retweet's is the truncated ``RT @x: …``. The sheet has no reply, retweet or quote columns,
    no account ids, no links but the ``t.co`` ones in the text, and no context posts.

    Parameters
    ----------
    chat : SampleChat
        From :func:`generate`.
    path : str or Path
        The CSV file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib, csv
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_archiver_sheet(chat, pathlib.Path(d) / "archiver.csv")
    ...     with out.open(newline="", encoding="utf-8") as f:
    ...         header, first = next(csv.reader(f)), next(csv.reader(f))
    >>> len(header), first[0], first[1] == "@" + chat.accounts[chat.posts[0]["author_id"]]["username"]
    (14, '10/5/26', True)
    """
    path = Path(path)
    accounts = chat.accounts
    days: dict[int, str] = {}  # local date by UTC hour (London changes offset on the hour)

    def day(ms: int) -> str:
        hour = ms // _HOUR_MS
        out = days.get(hour)
        if out is None:
            d = datetime.fromtimestamp(hour * 3600, _LONDON)
            out = days[hour] = f"{d.month}/{d.day}/{d.year % 100:02d}"
        return out

    profile = _once_per_id(lambda a: (
        "@" + a["username"], a["name"], a["followers"], a["following"], "Yes" if a["verified"] else "No",
        day(a["created_ms"]), a["location"], a["description"]))
    with _gc_paused(), path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(ARCHIVER_COLUMNS)
        for p in chat.posts:
            handle, name, followers, follows, verified, since, location, bio = profile(accounts[p["author_id"]])
            retweet = p["kind"] == "retweet"
            w.writerow((
                day(p["ms"]), handle, name, _archiver_text(p["text"]), p["id"], p["source"], followers, follows,
                p["retweet_count"], 0 if retweet else p["like_count"], verified, since, location, bio,
            ))
    return path


# --------------------------------------------------------------------------- truth + all


def write_truth(chat: SampleChat, path: str | Path) -> Path:
    """Write :attr:`SampleChat.truth` as indented JSON (keys in the module docstring).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> chat = generate(seed=1, sessions=4, posts=400)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     truth = json.loads(write_truth(chat, pathlib.Path(d) / "t.json").read_text())
    >>> truth["timezone"]
    'Europe/London'
    """
    path = Path(path)
    path.write_bytes(orjson.dumps(chat.truth, option=orjson.OPT_INDENT_2) + b"\n")
    return path


def write_sample(outdir: str | Path, seed: int = 2026, sessions: int = 6,
                 posts: int | None = None, *, mixed: bool = True) -> dict[str, Path]:
    """Generate a chat and write all its files into ``outdir`` (created if needed).

    Writes ``swchat-v2.jsonl`` (:func:`write_v2_pages`), ``swchat-v1.jsonl``
    (:func:`write_v1_jsonl`), ``swchat-tags.csv`` (:func:`write_tags_csv`) and
    ``truth.json`` (:func:`write_truth`); with ``mixed``, also the later stretch held on
    X, Mastodon and Bluesky at once (:func:`write_mixed_sample`: ``swchat-x.jsonl``,
    ``swchat-mastodon.jsonl``, ``swchat-bluesky.jsonl``, ``people.csv``, ``truth-mixed.json``).

    Parameters
    ----------
    outdir : str or Path
        Directory to write into.
    seed, sessions, posts
        As for :func:`generate` (``seed`` also seeds the mixed sample).
    mixed : bool, default True
        Also write the mixed X + Mastodon + Bluesky sample.

    Returns
    -------
    dict
        ``{"v2": path, "v1": path, "tags": path, "truth": path}`` and, with ``mixed``,
        ``"x"``, ``"mastodon"``, ``"bluesky"``, ``"people"``, ``"mixed_truth"``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_sample(d, seed=5, sessions=4, posts=400, mixed=False)
    ...     sorted(p.name for p in paths.values())
    ['swchat-tags.csv', 'swchat-v1.jsonl', 'swchat-v2.jsonl', 'truth.json']
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    chat = generate(seed=seed, sessions=sessions, posts=posts)
    return {
        "v2": write_v2_pages(chat, out / "swchat-v2.jsonl"),
        "v1": write_v1_jsonl(chat, out / "swchat-v1.jsonl"),
        "tags": write_tags_csv(chat, out / "swchat-tags.csv"),
        "truth": write_truth(chat, out / "truth.json"),
        **(write_mixed_sample(out, seed=seed) if mixed else {}),
    }


# --------------------------------------------------------------------------- mixed: X + Mastodon + Bluesky

#: The first session of the mixed (X + Mastodon + Bluesky) sample: a later stretch of the same weekly chat.
MIXED_START = date(2027, 1, 13)
MIXED_SESSIONS = 3
MIXED_POSTS = 300
_HOME_SERVER = "mastodon.social"
_OTHER_SERVER = "socialwork.network"
_BSKY = "bsky.social"
#: How likely someone on several platforms starts a thread on each (X is where the chat began).
_ROOT_WEIGHT = {"x": 0.3, "mastodon": 0.4, "bluesky": 0.3}


@dataclass
class MixedChat:
    """A chat held on X, Mastodon and Bluesky at once: the posts of a :class:`SampleChat`, each on one platform.

    Attributes
    ----------
    chat : SampleChat
        The generated chat (its posts in the internal form).
    platform : dict
        Post id (export and context) → ``"x"``, ``"mastodon"`` or ``"bluesky"``; a context post
        quoted or boosted from several platforms is on the platform of its first use (and copied
        to the others).
    people : dict
        Person (the X username) → ``{platform: handle}`` for everyone who posted on more than
        one platform, with the platforms they posted on.
    truth : dict
        What ``truth-mixed.json`` holds (see :func:`write_mixed_sample`).

    Examples
    --------
    >>> mixed = generate_mixed(seed=3)
    >>> sorted(set(mixed.platform.values()))
    ['bluesky', 'mastodon', 'x']
    """

    chat: SampleChat
    platform: dict[str, str]
    people: dict[str, dict[str, str]]
    truth: dict[str, Any] = field(default_factory=dict)


def _mastodon_host(account: dict[str, Any]) -> str:
    return _OTHER_SERVER if int(account["id"]) % 3 == 0 and account["role"] == "participant" else _HOME_SERVER


def _mastodon_account(account: dict[str, Any]) -> dict[str, Any]:
    host = _mastodon_host(account)
    user = account["username"]
    return {"id": account["id"], "username": user, "acct": user if host == _HOME_SERVER else f"{user}@{host}",
            "display_name": account["name"], "url": f"https://{host}/@{user}",
            "note": f"<p>{_html(account['description'])}</p>", "followers_count": account["followers"],
            "following_count": account["following"], "created_at": _iso(account["created_ms"])[:10] + "T00:00:00.000Z"}


def mastodon_handle(account: dict[str, Any]) -> str:
    """The global Mastodon handle (``user@host``) the mixed sample gives an account.

    Examples
    --------
    >>> mastodon_handle({"id": "10", "username": "ann", "role": "host"})
    'ann@mastodon.social'
    """
    return f"{account['username']}@{_mastodon_host(account)}"


def bluesky_handle(account: dict[str, Any]) -> str:
    """The Bluesky handle the mixed sample gives an account.

    Examples
    --------
    >>> bluesky_handle({"username": "Ann_SW"})
    'ann-sw.bsky.social'
    """
    return f"{account['username'].lower().replace('_', '-')}.{_BSKY}"


def _x_handle(account: dict[str, Any]) -> str:
    return str(account["username"])


_HANDLES: dict[str, Callable[[dict[str, Any]], str]] = {
    "x": _x_handle, "mastodon": mastodon_handle, "bluesky": bluesky_handle}


def _did(account: dict[str, Any]) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(f"swchat-sample:{account['id']}".encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _status_uri(p: dict[str, Any], account: dict[str, Any]) -> str:
    return f"https://{_mastodon_host(account)}/users/{account['username']}/statuses/{p['id']}"


def _rkey(post_id: str) -> str:
    digits = "234567abcdefghijklmnopqrstuvwxyz"
    n, out = int(post_id), ""
    while n:
        n, r = divmod(n, 32)
        out = digits[r] + out
    return "3" + out.rjust(12, "2")


def _at_uri(p: dict[str, Any], account: dict[str, Any]) -> str:
    return f"at://{_did(account)}/app.bsky.feed.post/{_rkey(p['id'])}"


def mixed_post_id(mixed: MixedChat, post_id: str) -> str:
    """The canonical ``post_id`` (tweet id, status URI, ``at://`` URI, or the reader's repost id)
    of a post of the mixed sample, as the X, Mastodon and Bluesky readers give it.

    Examples
    --------
    >>> mixed = generate_mixed(seed=3)
    >>> first = mixed.chat.posts[0]["id"]
    >>> mixed_post_id(mixed, first) == first if mixed.platform[first] == "x" else "://" in mixed_post_id(mixed, first)
    True
    """
    p = mixed.chat.post(post_id)
    account = mixed.chat.accounts[p["author_id"]]
    if mixed.platform[post_id] == "x":
        return post_id
    if mixed.platform[post_id] == "mastodon":
        return _status_uri(p, account) + ("/activity" if p["kind"] == "retweet" else "")
    if p["kind"] == "retweet":
        orig = mixed.chat.post(p["retweeted_id"])
        return f"{_at_uri(orig, mixed.chat.accounts[orig['author_id']])}#repost-{_did(account)}"
    return _at_uri(p, account)


def generate_mixed(seed: int = 2026, sessions: int = MIXED_SESSIONS, posts: int = MIXED_POSTS, *,
                   start: date = MIXED_START) -> MixedChat:
    """Generate weekly #SWChat sessions held on X, Mastodon and Bluesky at the same time.

    The chat is :func:`generate`'s (seed ``seed + 1``); each thread (a root post with its replies,
    retweets or boosts, and quotes) lives on one platform: the platform of its root's author, who
    is on X, on Mastodon or on Bluesky, or on several (the hosts on all three, and about one
    participant in five on two, who then start threads on either). Whoever posts on a platform
    has an account there, so a Mastodon regular who answers a Bluesky thread has a Bluesky
    account too; everyone who posted on more than one is a person with several accounts in
    :attr:`MixedChat.people`.

    Examples
    --------
    >>> mixed = generate_mixed(seed=5)
    >>> [s["id"] for s in mixed.truth["sessions"]]
    ['SWChat-2027-01-13', 'SWChat-2027-01-20', 'SWChat-2027-01-27']
    >>> abs(sum(mixed.truth["sessions"][0]["shares"].values()) - 1) < 1e-9
    True
    """
    chat = generate(seed=seed + 1, sessions=sessions, posts=posts, start=start)
    rng = random.Random(seed * 7919 + 17)
    home: dict[str, tuple[str, ...]] = {}
    for aid, account in chat.accounts.items():
        r = rng.random()
        if account["role"] != "participant":
            home[aid] = PLATFORMS
        elif r < 0.2:
            home[aid] = tuple(sorted(rng.sample(PLATFORMS, 2), key=PLATFORMS.index))
        else:
            home[aid] = ("x",) if r < 0.4 else ("mastodon",) if r < 0.7 else ("bluesky",)
    platform: dict[str, str] = {}
    for p in sorted(chat.posts, key=lambda p: p["ms"]):
        target = p["reply_to_id"] or p["retweeted_id"] or (p["quoted_id"] if p["kind"] == "quote" else None)
        if target in platform:
            where = platform[target]
        else:
            h = home[p["author_id"]]
            where = h[0] if len(h) == 1 else rng.choices(h, weights=[_ROOT_WEIGHT[k] for k in h])[0]
        platform[p["id"]] = where
        for ref in (p["retweeted_id"], p["quoted_id"]):
            if ref and ref not in platform:
                platform[ref] = where
    for p in chat.context_posts:
        platform.setdefault(p["id"], "mastodon")
    on: dict[str, set[str]] = {}
    for p in chat.posts:
        on.setdefault(p["author_id"], set()).add(platform[p["id"]])
    people = {chat.accounts[aid]["username"]: {k: _HANDLES[k](chat.accounts[aid]) for k in PLATFORMS if k in where}
              for aid, where in sorted(on.items(), key=lambda kv: chat.accounts[kv[0]]["username"].lower())
              if len(where) > 1}
    mixed = MixedChat(chat=chat, platform=platform, people=people)
    mixed.truth = _mixed_truth(mixed, on)
    return mixed


def _mixed_truth(mixed: MixedChat, on: dict[str, set[str]]) -> dict[str, Any]:
    chat = mixed.chat
    sessions = []
    for s in chat.truth["sessions"]:
        ids = s["post_ids"]
        by_platform = {k: sum(1 for i in ids if mixed.platform[i] == k) for k in PLATFORMS}
        authors = {chat.post(i)["author_id"] for i in ids}
        accounts = {(mixed.platform[i], chat.post(i)["author_id"]) for i in ids}
        sessions.append({
            "id": s["id"], "start": s["start"], "end": s["end"], "posts": len(ids),
            "by_platform": by_platform, "shares": {k: v / len(ids) for k, v in by_platform.items()},
            "people": len(authors), "accounts": len(accounts),
            "post_ids": sorted(mixed_post_id(mixed, i) for i in ids),
        })
    return {
        "seed": chat.seed, "hashtag": HASHTAG, "timezone": TIMEZONE,
        "counts": {"posts": len(chat.posts),
                   "by_platform": {k: sum(1 for p in chat.posts if mixed.platform[p["id"]] == k)
                                   for k in PLATFORMS},
                   "people": len(on), "accounts": sum(len(v) for v in on.values()),
                   "people_on_several": len(mixed.people)},
        "people": mixed.people,
        "sessions": sessions,
    }


def _segments(p: dict[str, Any], drop_url: str | None) -> list[tuple[str, str, Any]]:
    """The text of a post cut into ``(kind, text, value)`` pieces: plain, tag, mention, url."""
    text = p["text"]
    spans = ([(s, e, "tag", t) for s, e, t in p["hashtags"]] + [(s, e, "mention", a) for s, e, a in p["mentions"]]
             + [(s, e, "url", u[1] or u[0]) for s, e, *u in p["urls"]])
    out: list[tuple[str, str, Any]] = []
    at = 0
    for s, e, kind, value in sorted(spans, key=lambda x: x[0]):
        if s < at:
            continue
        if s > at:
            out.append(("plain", text[at:s], None))
        if not (kind == "url" and drop_url and str(value).endswith(drop_url)):
            out.append((kind, text[s:e], value))
        at = e
    if at < len(text):
        out.append(("plain", text[at:], None))
    return out


def _status(mixed: MixedChat, p: dict[str, Any]) -> dict[str, Any]:
    chat = mixed.chat
    account = chat.accounts[p["author_id"]]
    quoted = p["quoted_id"] if p["quoted_id"] and mixed.platform.get(p["quoted_id"]) == "mastodon" else None
    html, mentions = [], []
    for kind, piece, value in _segments(p, p["quoted_id"]):
        if kind == "tag":
            html.append(f'<a href="https://{_HOME_SERVER}/tags/{value}" class="mention hashtag" rel="tag">'
                        f"#<span>{_html(value)}</span></a>")
        elif kind == "mention":
            other = chat.accounts[value]
            acc = _mastodon_account(other)
            html.append(f'<span class="h-card"><a href="{acc["url"]}" class="u-url mention">'
                        f"@<span>{_html(other['username'])}</span></a></span>")
            mentions.append({"id": other["id"], "username": other["username"], "acct": acc["acct"], "url": acc["url"]})
        elif kind == "url":
            html.append(f'<a href="{_html(value)}" rel="nofollow noopener" target="_blank">{_html(value)}</a>')
        else:
            html.append(_html(piece))
    status: dict[str, Any] = {
        "id": p["id"], "created_at": _iso(p["ms"]), "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": p["lang"],
        "uri": _status_uri(p, account), "url": f"https://{_mastodon_host(account)}/@{account['username']}/{p['id']}",
        "replies_count": p["reply_count"], "reblogs_count": p["retweet_count"], "favourites_count": p["like_count"],
        "content": "<p>" + "".join(html).strip().replace("\n", "<br />") + "</p>", "reblog": None,
        "application": {"name": "Mastodon for Android" if int(p["id"]) % 2 else "Web"},
        "account": _mastodon_account(account), "mentions": mentions,
        "tags": [{"name": t.lower(), "url": f"https://{_HOME_SERVER}/tags/{t.lower()}"}
                 for t in dict.fromkeys(t for _s, _e, t in p["hashtags"])],
    }
    if p["reply_to_id"] and mixed.platform.get(p["reply_to_id"]) == "mastodon":
        status["in_reply_to_id"] = p["reply_to_id"]
        status["in_reply_to_account_id"] = p["reply_to_author_id"]
    if quoted:
        status["quote"] = {"state": "accepted", "quoted_status": _status(mixed, chat.post(quoted))}
    if p["kind"] == "retweet":
        status.update(content="", mentions=[], tags=[], url=None, reblog=_status(mixed, chat.post(p["retweeted_id"])),
                      uri=status["uri"] + "/activity")
    return status


def _bsky_author(account: dict[str, Any]) -> dict[str, Any]:
    return {"did": _did(account), "handle": bluesky_handle(account), "displayName": account["name"]}


def _bsky_view(mixed: MixedChat, p: dict[str, Any]) -> dict[str, Any]:
    chat = mixed.chat
    account = chat.accounts[p["author_id"]]
    text, facets = "", []
    for kind, piece, value in _segments(p, p["quoted_id"]):
        if kind == "mention":
            piece = "@" + bluesky_handle(chat.accounts[value])
        elif kind == "url":
            piece = str(value)
        start = len(text.encode())
        text += piece
        index = {"byteStart": start, "byteEnd": len(text.encode())}
        if kind == "tag":
            facets.append({"index": index, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": value}]})
        elif kind == "mention":
            facets.append({"index": index, "features": [{"$type": "app.bsky.richtext.facet#mention",
                                                         "did": _did(chat.accounts[value])}]})
        elif kind == "url":
            facets.append({"index": index, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": value}]})
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text.strip(), "createdAt": _iso(p["ms"]),
                              "langs": [p["lang"]]}
    if facets:
        record["facets"] = facets
    parent_id = p["reply_to_id"] if p["reply_to_id"] and mixed.platform.get(p["reply_to_id"]) == "bluesky" else None
    if parent_id:
        parent = chat.post(parent_id)
        root = chat.post(p["conversation_id"]) if p["conversation_id"] else parent
        record["reply"] = {"root": {"uri": _at_uri(root, chat.accounts[root["author_id"]]), "cid": "bafy"},
                           "parent": {"uri": _at_uri(parent, chat.accounts[parent["author_id"]]), "cid": "bafy"}}
    view: dict[str, Any] = {"uri": _at_uri(p, account), "cid": "bafy" + _rkey(p["id"]), "author": _bsky_author(account),
                            "record": record, "replyCount": p["reply_count"], "repostCount": p["retweet_count"],
                            "likeCount": p["like_count"], "quoteCount": p["quote_count"], "indexedAt": _iso(p["ms"])}
    quoted = p["quoted_id"] if p["quoted_id"] and mixed.platform.get(p["quoted_id"]) == "bluesky" else None
    if quoted:
        q = chat.post(quoted)
        inner = _bsky_view(mixed, q)
        record["embed"] = {"$type": "app.bsky.embed.record", "record": {"uri": inner["uri"], "cid": inner["cid"]}}
        view["embed"] = {"$type": "app.bsky.embed.record#view",
                         "record": {"$type": "app.bsky.embed.record#viewRecord", "uri": inner["uri"],
                                    "cid": inner["cid"], "author": inner["author"], "value": inner["record"],
                                    "indexedAt": inner["indexedAt"]}}
    return view


def on_one_platform(chat: SampleChat, platform: str) -> MixedChat:
    """The whole of ``chat`` held on one platform, for :func:`write_mastodon_jsonl` or
    :func:`write_bluesky_jsonl` to write every post of it (the ingest benchmark compares the
    platforms on the same chat).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> chat = generate(seed=3)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_mastodon_jsonl(on_one_platform(chat, "mastodon"), pathlib.Path(d) / "m.jsonl")
    ...     len(path.read_bytes().splitlines()) == len(chat.posts)
    True
    """
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}, not {platform!r}")
    ids = [p["id"] for p in chat.posts] + [p["id"] for p in chat.context_posts]
    return MixedChat(chat=chat, platform=dict.fromkeys(ids, platform), people={})


def write_mastodon_jsonl(mixed: MixedChat, path: str | Path) -> Path:
    """Write the mixed sample's Mastodon posts as statuses, one JSON object a line, newest first
    (as ``/api/v1/timelines/tag/SWChat`` pages them).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_mastodon_jsonl(generate_mixed(seed=3), pathlib.Path(d) / "m.jsonl")
    ...     json.loads(path.read_text().splitlines()[0])["uri"].startswith("https://")
    True
    """
    path = Path(path)
    posts = [p for p in mixed.chat.posts if mixed.platform[p["id"]] == "mastodon"]
    path.write_bytes(b"".join(orjson.dumps(_status(mixed, p)) + b"\n" for p in reversed(posts)))
    return path


def write_bluesky_jsonl(mixed: MixedChat, path: str | Path) -> Path:
    """Write the mixed sample's Bluesky posts as ``getAuthorFeed``-style feed items (a post view,
    with ``reason`` for a repost), one a line, newest first.

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_bluesky_jsonl(generate_mixed(seed=3), pathlib.Path(d) / "b.jsonl")
    ...     json.loads(path.read_text().splitlines()[0])["post"]["uri"].startswith("at://")
    True
    """
    path = Path(path)
    lines = []
    for p in reversed([p for p in mixed.chat.posts if mixed.platform[p["id"]] == "bluesky"]):
        if p["kind"] == "retweet":
            account = mixed.chat.accounts[p["author_id"]]
            item = {"post": _bsky_view(mixed, mixed.chat.post(p["retweeted_id"])),
                    "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": _bsky_author(account),
                               "indexedAt": _iso(p["ms"])}}
        else:
            item = {"post": _bsky_view(mixed, p)}
        lines.append(orjson.dumps(item) + b"\n")
    path.write_bytes(b"".join(lines))
    return path


def write_x_pages(mixed: MixedChat, path: str | Path) -> Path:
    """Write the mixed sample's X posts as X API v2 pages (:func:`write_v2_pages`), newest first.

    A post whose parent or quoted post is on another platform is written without that link (a
    thread lives on one platform; the quote's address stays in the text).

    Examples
    --------
    >>> import tempfile, pathlib, json
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_x_pages(generate_mixed(seed=3), pathlib.Path(d) / "x.jsonl")
    ...     sorted(json.loads(path.read_text().splitlines()[0]))
    ['__twarc', 'data', 'includes', 'meta']
    """
    chat = mixed.chat

    def on_x(p: dict[str, Any]) -> dict[str, Any]:
        p = dict(p)
        if p["reply_to_id"] and mixed.platform.get(p["reply_to_id"]) != "x":
            p.update(reply_to_id=None, reply_to_author_id=None)
        if p["quoted_id"] and mixed.platform.get(p["quoted_id"]) != "x":
            p.update(quoted_id=None)
        return p

    posts = [on_x(p) for p in chat.posts if mixed.platform[p["id"]] == "x"]
    x_chat = SampleChat(seed=chat.seed, posts=posts, context_posts=chat.context_posts, accounts=chat.accounts,
                        truth={}, retrieved_at=chat.retrieved_at)
    return write_v2_pages(x_chat, path)


def write_people_csv(mixed: MixedChat, path: str | Path) -> Path:
    """Write ``person,account`` rows linking the accounts of everyone on several platforms
    (the file :func:`swchat.privacy.read_people` reads).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     text = write_people_csv(generate_mixed(seed=3), pathlib.Path(d) / "p.csv").read_text()
    >>> text.splitlines()[0]
    'person,account'
    """
    path = Path(path)
    rows = ["person,account"] + [f"{person},@{handle}" for person, accounts in mixed.people.items()
                                 for handle in accounts.values()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_mixed_sample(outdir: str | Path, seed: int = 2026) -> dict[str, Path]:
    """Write the mixed sample: ``swchat-x.jsonl``, ``swchat-mastodon.jsonl``, ``swchat-bluesky.jsonl``,
    ``people.csv`` and ``truth-mixed.json`` into ``outdir``.

    ``truth-mixed.json`` holds ``seed``, ``hashtag``, ``timezone``; ``counts`` (``posts``,
    ``by_platform``, ``people`` — distinct persons who posted —, ``accounts`` — distinct platform
    accounts —, ``people_on_several``); ``people`` (person → ``{platform: handle}`` for the
    platforms they posted on);
    and per session ``id``, ``start``, ``end``, ``posts``, ``by_platform``, ``shares`` (of the
    session's posts), ``people``, ``accounts`` and ``post_ids`` (canonical ids, sorted).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(p.name for p in write_mixed_sample(d, seed=3).values())
    ['people.csv', 'swchat-bluesky.jsonl', 'swchat-mastodon.jsonl', 'swchat-x.jsonl', 'truth-mixed.json']
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    mixed = generate_mixed(seed=seed)
    truth = out / "truth-mixed.json"
    truth.write_bytes(orjson.dumps(mixed.truth, option=orjson.OPT_INDENT_2) + b"\n")
    return {
        "x": write_x_pages(mixed, out / "swchat-x.jsonl"),
        "mastodon": write_mastodon_jsonl(mixed, out / "swchat-mastodon.jsonl"),
        "bluesky": write_bluesky_jsonl(mixed, out / "swchat-bluesky.jsonl"),
        "people": write_people_csv(mixed, out / "people.csv"),
        "mixed_truth": truth,
    }
