"""The chat page in a real browser: Playwright driving Debian's headless Chromium (launched by
path; `make test` installs it through apt) against the real page server, Rasa and actions.

A full self-compassion break by clicking and typing, the rating buttons, a crisis message with
tappable links, "Get help now" by keyboard (and before or without its lines), a phone-sized
screen, a reload and a restart that keep the conversation, and a second browser that cannot
reach the first one's conversation. A screenshot of the page is saved in artifacts/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.launch import ROOT, Servers

pytestmark = pytest.mark.e2e

playwright_api = pytest.importorskip("playwright.sync_api")
Browser = playwright_api.Browser
Page = playwright_api.Page
expect = playwright_api.expect

ARTIFACTS = ROOT / "artifacts"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
BOT = "#log li.bot"
WAIT_MS = 60_000


def chromium_path() -> str | None:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed: `make browser` installs it through apt")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, servers: Servers) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    opened.goto(servers.web_url)
    try:
        yield opened
    finally:
        context.close()


def bot_count(page: Page) -> int:
    return page.locator(BOT).count()


def send(page: Page, text: str) -> None:
    """Type a message and press Enter; wait until the bot has answered and gone quiet."""
    before = bot_count(page)
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    settle(page, before)


def click(page: Page, name: str) -> None:
    """Press the newest choice button with this name; wait for the answer."""
    before = bot_count(page)
    page.locator(".choices button:not([disabled])").get_by_text(name, exact=True).last.click()
    settle(page, before)


def settle(page: Page, before: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#log li.bot').length > n", arg=before, timeout=WAIT_MS
    )
    # The bot's messages for one turn arrive together; give the rest of them a moment.
    page.wait_for_timeout(700)


def last_bot(page: Page) -> str:
    return page.locator(BOT).last.inner_text()


def test_a_full_self_compassion_break_by_clicking_and_typing(page: Page) -> None:
    expect(page.get_by_role("link", name="Get help now")).to_be_visible()
    send(page, "I'm such an idiot, I always ruin everything")
    expect(page.locator(BOT).filter(has_text="such an idiot")).to_have_count(1)

    click(page, "Self-compassion break")
    rating = page.locator("fieldset.choices.rating").last
    expect(rating.get_by_role("button")).to_have_count(11)
    expect(rating).to_contain_text("0 to 10")
    click(page, "7")
    # The clicked rating is shown as chosen and can't be pressed again.
    expect(rating.get_by_role("button", name="7", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(rating.get_by_role("button", name="3", exact=True)).to_be_disabled()

    send(page, "ashamed")
    assert "ashamed" in page.locator("#log").inner_text()
    send(page, "other people feel this too")
    send(page, "be gentle")
    send(page, "rest")
    expect(page.locator("fieldset.choices.rating").last.get_by_role("button")).to_have_count(11)
    click(page, "5")
    log = page.locator("#log").inner_text().lower()
    assert "7" in log and "5" in log
    assert "from 7 to 5" in log, log

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-break.png"))


def test_a_crisis_message_shows_tappable_lines(page: Page) -> None:
    send(page, "I want to kill myself")
    links = page.locator("#log a[href^='tel:']")
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert all(re.fullmatch(r"tel:\+?\d+", h) for h in hrefs), hrefs
    assert "automated" in page.locator("#log").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-crisis.png"))


def test_a_message_pushed_later_reaches_the_page(page: Page, servers: Servers) -> None:
    # How a responder's words or "nobody could join" arrive: Rasa's HTTP API, sent to the
    # conversation's latest channel, with nobody typing on the page.
    send(page, "hi")
    conversation = page.evaluate(OWN_ID_JS)
    before = bot_count(page)
    response = requests.post(
        f"{servers.url}/conversations/{conversation}/trigger_intent",
        params={"token": servers.token, "output_channel": "latest"},
        json={"name": "ask_help"},
        timeout=60,
    )
    response.raise_for_status()
    settle(page, before)
    expect(page.locator(BOT).nth(before).locator("a[href^='tel:']").first).to_be_visible()


def test_get_help_now_by_keyboard_without_leaving_the_page(page: Page) -> None:
    address = page.url
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Get help now"
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Get help now")
    expect(dialog).to_be_visible()
    # en-GB: the UK's lines first; the country can be changed.
    expect(dialog.locator("a[href='tel:116123']")).to_be_visible()
    page.get_by_label("Country").select_option("us")
    expect(dialog.locator("a[href^='sms:741741']")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.url == address


@pytest.mark.parametrize("lines", ["late", "failed"])
def test_get_help_now_before_or_without_the_lines_still_shows_emergency_numbers(
    browser: Browser, servers: Servers, lines: str
) -> None:
    # A person in a hurry may open the panel before the lines arrive, or on a connection that
    # drops them: the emergency numbers are already in the page.
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    held: list = []
    context.route("**/help.json", lambda route: held.append(route))
    try:
        page = context.new_page()
        page.goto(servers.web_url)
        page.get_by_role("link", name="Get help now").click()
        dialog = page.get_by_role("dialog", name="Get help now")
        expect(dialog).to_contain_text("999 in the United Kingdom")
        expect(dialog).to_contain_text("116 123")
        while not held:
            page.wait_for_timeout(50)
        if lines == "late":
            held[0].continue_()
            # The country's own lines replace them as soon as they arrive, panel still open.
            expect(dialog.locator("a[href='tel:116123']")).to_be_visible()
        else:
            held[0].abort()
            page.wait_for_timeout(300)
            expect(dialog).to_contain_text("999 in the United Kingdom")
    finally:
        context.close()


def test_sms_links_carry_the_keyword(page: Page) -> None:
    page.get_by_role("link", name="Get help now").click()
    page.get_by_label("Country").select_option("us")
    link = page.get_by_role("dialog").locator("a[href^='sms:741741']")
    expect(link).to_have_attribute("href", "sms:741741?&body=HOME")


def test_fits_a_phone_and_has_readable_contrast(browser: Browser, servers: Servers) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True)
    context.set_default_timeout(WAIT_MS)
    phone = context.new_page()
    try:
        phone.goto(servers.web_url)
        send(phone, "hi")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        expect(phone.get_by_role("link", name="Get help now")).to_be_in_viewport()
        ratios = phone.evaluate(CONTRAST_JS)
        low = {name: ratio for name, ratio in ratios.items() if ratio < 4.5}
        assert not low, low
    finally:
        context.close()


def test_a_reload_and_a_restart_keep_the_conversation(page: Page, servers: Servers) -> None:
    send(page, "I'm so stupid, I forgot my friend's birthday")
    shown = page.locator("#log li").count()
    page.reload()
    expect(page.locator("#log li")).to_have_count(shown)
    expect(page.locator("#log")).to_contain_text("forgot my friend's birthday")

    servers.stop("rasa")
    servers.stop("web")
    expect(page.locator("#status")).to_contain_text("Reconnecting", timeout=WAIT_MS)
    servers.start_rasa()
    servers.start_web()
    servers.wait_ready()
    expect(page.locator("#status")).to_be_empty(timeout=WAIT_MS)
    send(page, "hi")
    page.reload()
    expect(page.locator("#log")).to_contain_text("forgot my friend's birthday")
    assert page.locator("#log li").count() > shown


def test_a_second_browser_cannot_read_the_first_conversation(
    browser: Browser, servers: Servers
) -> None:
    first = browser.new_context()
    second = browser.new_context()
    try:
        one = first.new_page()
        one.set_default_timeout(WAIT_MS)
        one.goto(servers.web_url)
        send(one, "my secret is that I failed the bar exam again")
        their_id = one.evaluate(
            "JSON.parse(atob(localStorage.getItem('kindly.token').split('.')[1].replace(/-/g,'+').replace(/_/g,'/'))).sub"
        )

        two = second.new_page()
        two.set_default_timeout(WAIT_MS)
        two.goto(servers.web_url)
        page_text = two.locator("body").inner_text()
        assert "bar exam" not in page_text
        # Asking the socket for the other conversation by id gets this browser's own (empty) one.
        history = two.evaluate(ASK_FOR_OTHER_JS, their_id)
        assert history == {"confirmed": two.evaluate(OWN_ID_JS), "messages": []}
        # A token that is not signed by the page server is refused outright.
        refused = two.evaluate(FORGED_JS, their_id)
        assert refused == "refused"
        # And a forged token in storage gets a new conversation, never the one it names.
        two.evaluate(
            "id => localStorage.setItem('kindly.token',"
            " 'eyJhbGciOiJub25lIn0.' + btoa(JSON.stringify({sub: id})) + '.')",
            their_id,
        )
        two.reload()
        two.wait_for_timeout(1500)
        assert "bar exam" not in two.locator("#log").inner_text()
        assert two.evaluate(OWN_ID_JS) != their_id
    finally:
        first.close()
        second.close()
    # The other conversation still holds only its owner's words.
    events = requests.get(
        f"{servers.url}/conversations/{their_id}/tracker",
        params={"token": servers.token},
        timeout=30,
    ).json()["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users == ["my secret is that I failed the bar exam again"]


OWN_ID_JS = """() => JSON.parse(atob(localStorage.getItem('kindly.token').split('.')[1]
    .replace(/-/g, '+').replace(/_/g, '/'))).sub"""

ASK_FOR_OTHER_JS = """async (otherId) => {
  const config = await (await fetch('/config.json')).json();
  const token = localStorage.getItem('kindly.token');
  return await new Promise((resolve, reject) => {
    const s = io(config.socket_url, {path: config.socket_path, auth: {token}, forceNew: true});
    let confirmed = null;
    s.on('session_confirm', id => { confirmed = id; });
    s.on('history', data => { s.disconnect(); resolve({confirmed, messages: data.messages}); });
    s.on('connect', () => s.emit('session_request', {session_id: otherId}));
    setTimeout(() => reject(new Error('no history')), 20000);
  });
}"""

FORGED_JS = """async (otherId) => {
  const config = await (await fetch('/config.json')).json();
  const claims = btoa(JSON.stringify({sub: otherId, aud: 'kindly-webchat'}));
  const forged = 'eyJhbGciOiJIUzI1NiJ9.' + claims + '.c2lnbmF0dXJl';
  return await new Promise(resolve => {
    const s = io(config.socket_url,
      {path: config.socket_path, auth: {token: forged}, forceNew: true, reconnection: false});
    s.on('connect', () => { s.disconnect(); resolve('connected'); });
    s.on('connect_error', () => resolve('refused'));
    setTimeout(() => resolve('timeout'), 20000);
  });
}"""

# WCAG contrast ratio of text against its nearest opaque background, for the page's key parts.
CONTRAST_JS = """() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const ratio = el => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const parts = {
    honest: '.honest', help: '.help-link', bot: '#log li.bot .bubble', send: '#send',
    hint: '.hint', input: '#message', footer: '.foot a',
  };
  const out = {};
  for (const [name, selector] of Object.entries(parts)) {
    const el = document.querySelector(selector);
    if (el) out[name] = Math.round(ratio(el) * 100) / 100;
  }
  const user = document.querySelector('#log li.user .bubble');
  if (user) out.user = Math.round(ratio(user) * 100) / 100;
  return out;
}"""
