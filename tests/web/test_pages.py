"""Every page over HTTP: status, language, deep links into the bot, escaping, who is shown and who is not."""
from __future__ import annotations

from datetime import date, timedelta

from core import platform_rules
from core.rules import platform_figures as figures_rule
from core.schedule import Vacation
from core.usecases.testimonials import add_testimonial
from playground.bot_api import FakeTelegram
from tests.bot.booking_support import IRYNA, add_therapist
from tests.conftest import START, make_settings
from tests.support import platform_month
from tests.web.conftest import BOT, FIRST_FREE, PUBLIC, serving
from tests.web.page import Page

NBSP = "\xa0"


def plain(text: str) -> str:
    """Babel groups digits with non-breaking spaces; compare as a reader sees them."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


async def get(pages, path: str, **headers: str) -> tuple[int, Page, dict[str, str]]:
    response = await pages.get(path, headers=headers, allow_redirects=False)
    return response.status, Page(await response.text()), dict(response.headers)


# -- a therapist's landing --------------------------------------------------------------------


async def test_a_landing_shows_the_profile_in_ukrainian_with_deep_links_into_the_bot(app, pages):
    await add_therapist(app)

    status, page, headers = await get(pages, "/t/iryna")

    assert status == 200
    assert page.one("html").attrs["lang"] == "uk" and headers["Content-Language"] == "uk"
    assert page.text("h1") == "Iryna Kovalenko"
    assert plain(page.text("p", class_="price")) == "1 200 ₴ за 50-хвилинну сесію"
    assert "8 років практики" in page.visible_text
    for shown in ("Тривога", "Горе і втрата", "КПТ", "Українська, Англійська", "I help adults with anxiety",
                  "Taras Shevchenko National University of Kyiv"):
        assert shown in page.visible_text, shown
    assert page.one("a", id="book").attrs["href"] == f"https://t.me/{BOT}?start=t_iryna"
    times = [a.attrs["href"] for a in page.find("a") if "start=b_" in a.attrs["href"]]
    assert times[0] == f"https://t.me/{BOT}?start=b_iryna_{int(FIRST_FREE.timestamp())}"
    assert len(times) == 8
    first = page.find("time")[0]
    assert first.attrs["datetime"] == "2026-11-25T09:00:00+00:00"
    assert first.text == "ср, 25 лист., 11:00"  # in the platform's zone until the script shows the visitor's own
    assert "Часовий пояс: Київ, UTC+2." in page.visible_text
    assert len(page.find("h1")) == 1
    assert page.text("span", class_="portrait initials") == "IK"  # no photo: the initials stand in its place


async def test_an_english_visitor_reads_the_therapists_english_texts_where_they_gave_them(app, pages):
    await add_therapist(
        app, 2001, "Ірина Коваленко", about="Працюю з тривогою.", education="КНУ імені Тараса Шевченка, психологія.",
        name_en="Iryna Kovalenko", about_en="I work with anxiety.", education_en="Taras Shevchenko University, psychology.",
        share_code="iryna",
    )
    await add_therapist(app, 2003, "Оксана Мельник", about="Працюю з парами.", share_code="oksana")  # Ukrainian only

    _status, english, _headers = await get(pages, "/t/iryna?lang=en")
    _status, ukrainian, _headers = await get(pages, "/t/iryna")
    _status, directory, _headers = await get(pages, "/therapists?lang=en")

    assert english.text("h1") == "Iryna Kovalenko" and english.meta("og:title") == "Iryna Kovalenko"
    assert "I work with anxiety." in english.visible_text and "Taras Shevchenko University, psychology." in english.visible_text
    assert "Працюю з тривогою." not in english.visible_text
    assert ukrainian.text("h1") == "Ірина Коваленко" and "Працюю з тривогою." in ukrainian.visible_text
    assert [e.text for e in directory.find("a", class_="card-name")] == ["Iryna Kovalenko", "Оксана Мельник"]
    assert [e.text for e in directory.find("p", class_="card-bio")] == ["I work with anxiety.", "Працюю з парами."]
    assert [e.text for e in directory.find("span", class_="avatar initials")] == ["IK", "ОМ"]


async def test_a_landing_carries_a_preview_for_shared_links_with_absolute_addresses(app, pages):
    await add_therapist(app)

    _status, page, _headers = await get(pages, "/t/iryna")

    assert page.meta("og:title") == "Iryna Kovalenko"
    assert page.meta("og:url") == f"{PUBLIC}/t/iryna"
    assert page.meta("og:type") == "profile"
    assert page.meta("twitter:card") == "summary"  # no photo: the small card (with one: tests/web/test_photos.py)
    assert plain(page.meta("og:description")).startswith("Тривога, Горе і втрата. 1 200 ₴ за 50-хвилинну сесію.")
    assert page.one("link", rel="canonical").attrs["href"] == f"{PUBLIC}/t/iryna"


async def test_a_landing_in_english_by_address_or_by_the_browsers_language(app, pages):
    await add_therapist(app)

    _status, by_address, _headers = await get(pages, "/t/iryna?lang=en")
    _status, by_browser, headers = await get(pages, "/t/iryna", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"})

    for page in (by_address, by_browser):
        assert page.one("html").attrs["lang"] == "en"
        assert plain(page.text("p", class_="price")) == "₴1,200 per 50-minute session"
        assert "8 years of practice" in page.visible_text
        assert "Anxiety" in page.visible_text and "Grief and loss" in page.visible_text
        assert page.one("a", id="book").text == "Book in Telegram"
    assert "/therapists?lang=en" in by_address.hrefs()  # a language chosen in the address stays chosen
    assert "/therapists" in by_browser.hrefs() and headers["Vary"] == "Accept-Language"
    assert "/t/iryna?lang=uk" in by_address.hrefs()
    assert by_address.meta("og:url") == f"{PUBLIC}/t/iryna?lang=en"
    alternates = {e.attrs["hreflang"]: e.attrs["href"] for e in by_browser.find("link", rel="alternate")}
    assert alternates == {"uk": f"{PUBLIC}/t/iryna?lang=uk", "en": f"{PUBLIC}/t/iryna?lang=en"}


async def test_a_profile_text_is_shown_as_text_never_run_as_code(app, pages):
    await add_therapist(app, full_name="Iryna <b>Kovalenko</b>", about="<script>alert(1)</script> I listen.",
                        education='"><img src=x onerror=alert(2)>')

    response = await pages.get("/t/iryna")
    html = await response.text()

    assert "<script>alert(1)</script>" not in html and "<b>Kovalenko</b>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; I listen." in html
    page = Page(html)
    assert page.text("h1") == "Iryna <b>Kovalenko</b>"
    assert page.find("script") == [page.one("script", src="/static/local-times.js")]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_a_paused_hidden_or_vacationing_therapist_has_a_kind_page_pointing_to_the_directory(app, pages):
    await add_therapist(app, IRYNA, "Iryna Kovalenko", accepting_clients=False)
    await add_therapist(app, 2003, "Oksana Melnyk", hidden=True)
    await add_therapist(app, 2004, "Natalia Shevchuk", vacations=[Vacation(date(2026, 11, 20), date(2026, 12, 1))])

    for code, name in (("iryna", "Iryna Kovalenko"), ("oksana", "Oksana Melnyk"), ("natalia", "Natalia Shevchuk")):
        status, page, _headers = await get(pages, f"/t/{code}")
        assert status == 200
        assert page.text("h1") == name
        assert "Зараз не приймає нових клієнтів." in page.visible_text
        assert "/therapists" in page.hrefs()
        assert not [href for href in page.hrefs() if "t.me" in href]
        assert page.meta("robots") == "noindex"

    _status, english, _headers = await get(pages, "/t/iryna?lang=en")
    assert "Not taking new clients right now." in english.visible_text


async def test_a_vacation_that_keeps_the_profile_shown_keeps_the_landing_without_those_days(app, pages):
    away = Vacation(date(2026, 11, 20), date(2026, 11, 27))
    await add_therapist(app, vacations=[away], hide_during_vacation=False)

    status, page, _headers = await get(pages, "/t/iryna")

    assert status == 200 and page.one("a", id="book")
    assert page.find("time")[0].attrs["datetime"] == "2026-11-30T08:00:00+00:00"  # Monday after the vacation, 10:00 Kyiv


async def test_unknown_and_unpublished_codes_are_not_found(app, pages):
    await add_therapist(app, 2004, "Taras Bondar", verified=False)

    for path in ("/t/nobody", "/t/taras", "/t/%3Cscript%3E", "/t/taras/photo", "/nowhere"):
        status, page, _headers = await get(pages, path)
        assert status == 404, path
        assert page.text("h1") == "Сторінку не знайдено"
        assert "/therapists" in page.hrefs()
    status, page, _headers = await get(pages, "/t/nobody", **{"Accept-Language": "en"})
    assert status == 404 and page.text("h1") == "Page not found"


async def test_a_photo_is_only_served_for_a_listed_therapist_who_has_one(app, pages):
    await add_therapist(app, IRYNA, "Iryna Kovalenko")
    await add_therapist(app, 2003, "Oksana Melnyk", photo_file_id="photo-of-oksana", accepting_clients=False)

    assert (await pages.get("/t/iryna/photo")).status == 404
    assert (await pages.get("/t/oksana/photo")).status == 404


# -- the directory ------------------------------------------------------------------------


async def test_the_directory_lists_who_takes_clients_with_links_to_their_pages(app, pages):
    await add_therapist(app)
    await add_therapist(app, 2003, "Oksana Melnyk", price_minor=90_000, topics=["relationships"], languages=["uk"])
    await add_therapist(app, 2004, "Taras Bondar", verified=False)
    await add_therapist(app, 2005, "Yulia Savchenko", accepting_clients=False)
    await add_therapist(app, 2006, "Andrii Kravets", hidden=True)
    await add_therapist(app, 2007, "Natalia Shevchuk", vacations=[Vacation(date(2026, 11, 20), date(2026, 12, 1))])

    status, page, _headers = await get(pages, "/therapists")

    assert status == 200
    assert page.text("h1") == "Знайти терапевта"
    assert page.text("h2", id="results-title") == "Знайдено 2 терапевти"
    names = [" ".join(e.text.split()) for e in page.find("a", class_="card-name")]
    assert names == ["Iryna Kovalenko", "Oksana Melnyk"]
    assert "/t/iryna" in page.hrefs() and "/t/oksana" in page.hrefs()
    for hidden in ("Taras", "Yulia", "Andrii", "Natalia"):
        assert hidden not in page.visible_text
    assert "900 ₴" in plain(page.visible_text)
    assert len(page.find("h1")) == 1 and page.one("html").attrs["lang"] == "uk"


async def test_the_directory_offers_help_me_choose_in_the_bot(app, pages):
    _status, page, _headers = await get(pages, "/therapists")
    link = page.one("a", id="match")
    assert link.attrs["href"] == f"https://t.me/{BOT}?start=match"
    assert " ".join(link.text.split()) == "🧭 Допоможіть обрати: п'ять коротких запитань у Telegram"


async def test_a_directory_card_says_who_the_therapist_is_when_they_are_free_and_how_to_book(app, pages):
    await add_therapist(
        app, about="Працюю з тривогою та втратою, коротко й по суті.\n\nДалі — про мій шлях.", experience_years=1
    )
    long_bio = "I work with couples who want to hear each other again, " * 4
    await add_therapist(app, 2003, "Oksana Melnyk", about=long_bio, hours=[])

    _status, page, _headers = await get(pages, "/therapists")

    iryna, oksana = page.find("li", class_="card")
    assert [e.text for e in page.find("span", class_="avatar initials")] == ["IK", "OM"]  # no photo: initials
    assert "1 рік практики" in iryna.text and "8 років практики" in oksana.text
    assert page.find("p", class_="card-bio")[0].text == "Працюю з тривогою та втратою, коротко й по суті."
    clipped = page.find("p", class_="card-bio")[1].text
    assert clipped.endswith("…") and len(clipped) <= 140 and long_bio.startswith(clipped[:-1])
    first = page.find("time")[0]
    assert first.attrs["datetime"] == FIRST_FREE.isoformat()  # the script shows it in the visitor's zone
    assert first.text == "ср, 25 лист., 11:00"
    assert f"https://t.me/{BOT}?start=b_iryna_{int(FIRST_FREE.timestamp())}" in page.hrefs()
    assert "Найближчими тижнями вільного часу немає." in " ".join(oksana.text.split())  # no working hours
    books = [e.attrs["href"] for e in page.find("a", class_="button")]
    assert books == [f"https://t.me/{BOT}?start=t_iryna", f"https://t.me/{BOT}?start=t_oksana"]
    assert [e.text for e in page.find("a", class_="button")] == ["Забронювати в Telegram"] * 2
    assert page.one("p", id="zone-note").text == "Час указано в часовому поясі: Київ, UTC+2."
    assert page.one("p", id="zone-note").attrs["data-local-template"] == "Час указано у вашому часовому поясі: {zone}."


async def test_the_zone_of_the_visitors_browser_reads_as_its_city(pages):
    """What the pages' script asks: a legacy name is the city of today, and UTC is not a city."""
    for name, language, label in (
        ("Europe/Kiev", "uk", "Київ, UTC+2"), ("Europe/Kyiv", "en", "Kyiv, UTC+2"),
        ("America/New_York", "uk", "Нью-Йорк, UTC−5"), ("UTC", "uk", "UTC"), ("Etc/UTC", "en", "UTC"),
        ("Asia/Kolkata", "en", "Kolkata, UTC+5:30"),
    ):
        response = await pages.get("/zone", params={"name": name, "lang": language})
        assert (await response.json())["label"] == label, name
    for forged in ("Europe/Nowhere", "../../etc/passwd", "/etc/localtime", ""):
        assert (await pages.get("/zone", params={"name": forged})).status == 404, forged


async def test_in_the_demo_links_into_the_bot_open_the_demo_pages_chats(database_url, tmp_path, clock):
    """`make demo` has no Telegram: t.me would open nothing, so the demo page's own chat takes the link."""
    async with FakeTelegram() as telegram, serving(
        make_settings(
            database_url, demo_clock_file=str(tmp_path / "clock.json"), demo_page_url="http://127.0.0.1:8090",
            bot_token="7000000001:DEMO-playground-not-a-real-token", telegram_api_base=telegram.base_url,
            photo_cache_dir=str(tmp_path / "photos"),
        ),
        clock,
    ) as (app, pages):
        await add_therapist(app)
        _status, landing, _headers = await get(pages, "/t/iryna")
        _status, directory, _headers = await get(pages, "/therapists")
        _status, specialists, _headers = await get(pages, "/for-specialists")

    booking = f"http://127.0.0.1:8090/?start=b_iryna_{int(FIRST_FREE.timestamp())}"
    assert landing.one("a", id="book").attrs["href"] == "http://127.0.0.1:8090/?start=t_iryna"
    assert booking in landing.hrefs() and booking in directory.hrefs()
    assert "http://127.0.0.1:8090/?start=apply" in specialists.hrefs()
    assert not [href for page in (landing, directory, specialists) for href in page.hrefs() if "t.me" in href]


async def test_the_directorys_filters_are_plain_links(app, pages):
    await add_therapist(app)
    await add_therapist(app, 2003, "Oksana Melnyk", price_minor=90_000, topics=["relationships"], languages=["uk", "pl"],
                        approaches=["gestalt"])

    _status, everyone, _headers = await get(pages, "/therapists?lang=en")
    assert "/therapists?topic=relationships&lang=en" in everyone.hrefs()

    _status, relationships, _headers = await get(pages, "/therapists?topic=relationships&lang=en")
    assert relationships.text("h2", id="results-title") == "1 therapist found"
    current = [e.text for e in relationships.find("a", aria_current="true")]
    assert current == ["Relationships", "All", "All", "All"]  # the chosen topic, and "all" of the other filters
    assert "/therapists?topic=relationships&language=pl&lang=en" in relationships.hrefs()  # the others are kept

    for query, found in (("approach=gestalt", ["Oksana Melnyk"]), ("language=en", ["Iryna Kovalenko"]),
                         ("price=0", ["Oksana Melnyk"]), ("price=1", ["Iryna Kovalenko"]), ("price=2", []),
                         ("topic=relationships&approach=cbt", [])):
        _status, page, _headers = await get(pages, f"/therapists?{query}&lang=en")
        assert [" ".join(e.text.split()) for e in page.find("a", class_="card-name")] == found, query
    _status, nobody, _headers = await get(pages, "/therapists?price=2")
    assert "Нікого не знайдено за всіма цими фільтрами." in nobody.visible_text
    assert "/therapists" in nobody.hrefs()  # clear the filters


async def test_the_directory_reads_a_filter_it_does_not_know_as_any(app, pages):
    await add_therapist(app)

    for query in ("topic=%3Cscript%3E", "price=99", "price=-1", "approach=", "page=abc", "page=99999999999"):
        status, page, _headers = await get(pages, f"/therapists?{query}")
        assert status == 200, query
        assert page.text("h2", id="results-title") == "Знайдено 1 терапевта", query


async def test_the_directory_pages_through_many_therapists(app, pages):
    for number in range(14):
        await add_therapist(app, 3000 + number, f"Therapist{number:02d} Test")

    _status, first, _headers = await get(pages, "/therapists")
    _status, second, _headers = await get(pages, "/therapists?page=2")

    assert len(first.find("li", class_="card")) == 12 and len(second.find("li", class_="card")) == 2
    assert "/therapists?page=2" in first.hrefs()
    assert "Сторінка 2 з 2" in second.visible_text


# -- the page for specialists -----------------------------------------------------------------


async def test_the_page_for_specialists_leaves_out_figures_that_rest_on_too_little(app, pages):
    """The known month has 3 active specialists: no average speaks for the platform, the rule is said instead."""
    async with app.unit_of_work() as uow:
        await platform_month.seed(uow, START)
        await uow.commit()
        await add_testimonial(uow, app.clock, author="Iryna, CBT", text="Here I have <em>clients</em> and time for them.")

    _status, page, _headers = await get(pages, "/for-specialists")

    text = plain(page.visible_text)
    assert page.find("ul", class_="figures") == []
    for figure in ("на день у середньому", "Сесій на фахівця", "Очікуваний заробіток", "1,33", "1 526,67"):
        assert figure not in text, figure
    assert plain(page.text("p", id="figures-rule")) == (
        "Показник з’являється тут, коли за ним досить даних: цього місяця на платформі працюють щонайменше "
        "5 фахівців, а в його основі щонайменше 20 записів, сесій чи нових клієнтів."
    )
    assert "Комісія платформи. Платформа залишає собі 20% від ціни кожної сесії, решта — ваша." in text
    assert "Here I have <em>clients</em> and time for them." in text  # shown as text
    assert "Iryna, CBT" in text
    assert "7–10 робочих днів" in text
    assert "щонайменше 2 роки" in text and "щонайменше 400 годин" in text
    assert "Вища освіта: психологічна, педагогічна, медична або соціологічна." in text  # as the questionnaire admits

    _status, english, _headers = await get(pages, "/for-specialists?lang=en")
    assert "The platform keeps 20% of each session's price; the rest is yours." in english.visible_text
    assert "at least 5 specialists active this month, and at least 20 bookings, sessions or new clients" in english.visible_text


async def test_the_page_for_specialists_shows_each_figure_that_rests_on_enough(app, pages, monkeypatch):
    """With the bar at the known month's size (3 specialists, 5 of a kind), the figures over 5 show and those over 4 do not."""
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_SPECIALISTS", platform_month.SPECIALISTS)
    monkeypatch.setattr(figures_rule, "MIN_PUBLIC_COUNT", platform_month.NEW_BOOKINGS)
    async with app.unit_of_work() as uow:
        await platform_month.seed(uow, START)
        await uow.commit()

    _status, page, _headers = await get(pages, "/for-specialists")

    text = plain(page.visible_text)
    per_day = platform_month.per_day(START).replace(".", ",")
    assert f"Нових записів на день у середньому {per_day}" in text  # 5 new bookings
    assert "Очікуваний заробіток фахівця в середньому 1 526,67 ₴" in text  # 5 paid sessions
    assert "Сесій на фахівця" not in text and "Нових клієнтів на фахівця" not in text  # 4 of each
    assert "щонайменше 3 фахівці, а в його основі щонайменше 5 записів, сесій чи нових клієнтів" in plain(
        page.text("p", id="figures-rule")
    )
    # Nothing about a single therapist's clients: no client ids, no one therapist's earnings.
    for private in ("1101", "960", "Maksym", "Oksana"):
        assert private not in text

    _status, english, _headers = await get(pages, "/for-specialists?lang=en")
    assert "Expected earnings per specialist, on average ₴1,526.67" in plain(english.visible_text)
    assert english.one("html").attrs["lang"] == "en"


async def test_the_page_for_specialists_states_the_fee_the_platform_is_set_to(database_url, tmp_path, clock):
    async with FakeTelegram() as telegram, serving(
        make_settings(
            database_url, platform_fee_percent="17.5", telegram_api_base=telegram.base_url,
            photo_cache_dir=str(tmp_path / "photos"),
        ),
        clock,
    ) as (_app, pages):
        _status, page, _headers = await get(pages, "/for-specialists")
        _status, english, _headers = await get(pages, "/for-specialists?lang=en")

    assert page.text("li", id="fee") == "Комісія платформи. Платформа залишає собі 17,5% від ціни кожної сесії, решта — ваша."
    assert english.text("li", id="fee") == "The platform's fee. The platform keeps 17.5% of each session's price; the rest is yours."


async def test_apply_in_telegram_passes_a_referral_through(app, pages):
    _status, plain_page, _headers = await get(pages, "/for-specialists")
    _status, referred, _headers = await get(pages, "/for-specialists?ref=iryna2026")
    _status, forged, _headers = await get(pages, "/for-specialists?ref=x%22%3E%3Cscript%3E")

    def apply_links(page: Page) -> set[str]:
        return {e.attrs["href"] for e in page.find("a") if e.text == "Подати заявку в Telegram"}

    assert apply_links(plain_page) == {f"https://t.me/{BOT}?start=apply"}
    assert apply_links(referred) == {f"https://t.me/{BOT}?start=ref_iryna2026"}
    assert apply_links(forged) == {f"https://t.me/{BOT}?start=apply"}


# -- the rest -----------------------------------------------------------------------------


async def test_the_home_address_leads_to_the_directory_and_the_stylesheet_is_served(app, pages):
    response = await pages.get("/?lang=en", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/therapists?lang=en"

    style = await pages.get("/static/site.css")
    assert style.status == 200 and "text/css" in style.headers["Content-Type"]
    assert (await pages.get("/static/local-times.js")).status == 200


async def test_times_shown_are_only_bookable_ones(app, pages, clock):
    await add_therapist(app)
    clock.advance(timedelta(days=1))

    _status, page, _headers = await get(pages, "/t/iryna")

    assert page.find("time")[0].attrs["datetime"] == "2026-11-26T09:00:00+00:00"  # 25 hours from the new now


async def test_search_engines_are_pointed_at_every_listed_page_and_no_other(app, pages):
    await add_therapist(app)
    await add_therapist(app, 2005, "Yulia Savchenko", accepting_clients=False)

    robots = await (await pages.get("/robots.txt")).text()
    sitemap = await pages.get("/sitemap.xml")
    body = await sitemap.text()

    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots
    assert sitemap.headers["Content-Type"].startswith("application/xml")
    for path in ("/therapists", "/for-specialists", "/t/iryna"):
        assert f"<loc>{PUBLIC}{path}</loc>" in body
    assert "yulia" not in body


async def test_the_pages_state_the_rules_numbers_from_core_so_a_changed_rule_changes_them(app, pages, monkeypatch):
    await add_therapist(app)
    monkeypatch.setattr(platform_rules, "PAYMENT_DUE_HOURS", 48)
    monkeypatch.setattr(platform_rules, "FREE_CANCELLATION_HOURS", 21)
    monkeypatch.setattr(platform_rules, "PAYOUT_DAYS", 5)
    monkeypatch.setattr(platform_rules, "LIVE_FEWEST_DAYS", 3)
    monkeypatch.setattr(platform_rules, "LIVE_MOST_DAYS", 4)

    _status, landing, _headers = await get(pages, "/t/iryna")
    _status, joining, _headers = await get(pages, "/for-specialists")

    assert "не пізніше ніж за 48 годин до початку" in landing.visible_text
    assert "щонайменше за 21 годину нічого не коштує" in landing.visible_text
    text = joining.visible_text
    assert "не пізніше ніж за 48 годин до сесії" in text
    assert "протягом 5 робочих днів" in text
    assert "протягом 3–4 робочих днів" in text
    assert "щонайменше за 21 годину, нікому нічого не коштує" in text
    assert "24 год" not in landing.visible_text and "24 год" not in text
