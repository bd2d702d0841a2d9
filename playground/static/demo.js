// The demo page: one chat per person, live over server-sent events. No build step, no framework.
"use strict";

const LABELS = {
  uk: {
    title: "Платформа без Telegram",
    note: "Справжній бот, локальний сервер Bot API, вигадані люди. Сторінка доступна лише з цього комп’ютера (127.0.0.1).",
    webPages: "Вебсторінки терапевтів ↗",
    clock: "Час платформи",
    plusHour: "+1 година",
    plusDay: "+1 день",
    dayBefore: "До дня перед сесією",
    hourBefore: "До години перед сесією",
    ahead: "попереду на",
    hours: "год",
    days: "д",
    noSession: "Немає запланованої сесії: спершу забронюйте час.",
    closerAlready: "Найближча сесія вже ближча за це: годинник іде лише вперед.",
    offline: "Зв’язок зі сторінкою демо втрачено. Чи працює ще make demo?",
    send: "Надіслати",
    message: "Повідомлення",
    attach: "Надіслати файл",
    start: "Почати",
    pay: "Сплатити (тест)",
    paid: "Оплачено ✓",
    paying: "Оплата…",
    payment: "Ви сплатили",
    contact: "Контакт",
    edited: "змінено",
    roles: { client: "клієнт", therapist: "терапевтка", applicant: "кандидат у терапевти", admin: "адміністраторка" },
    language: { uk: "українська", en: "англійська" },
    failed: "Не вдалося",
    menu: "Меню",
    people: "Люди",
    openLink: "Посилання з вебсторінки відкриває чат із ботом. Чий?",
    cancel: "Скасувати",
    unread: "нові повідомлення",
  },
  en: {
    title: "The platform without Telegram",
    note: "The real bot, a local Bot API server, made-up people. The page is reachable from this computer only (127.0.0.1).",
    webPages: "Therapists' web pages ↗",
    clock: "Platform time",
    plusHour: "+1 hour",
    plusDay: "+1 day",
    dayBefore: "To the day before the session",
    hourBefore: "To the hour before the session",
    ahead: "ahead by",
    hours: "h",
    days: "d",
    noSession: "No session booked yet: book a time first.",
    closerAlready: "The next session is closer than that already: the clock only goes forward.",
    offline: "Lost touch with the demo. Is make demo still running?",
    send: "Send",
    message: "Message",
    attach: "Send a file",
    start: "Start",
    pay: "Pay (test)",
    paid: "Paid ✓",
    paying: "Paying…",
    payment: "You paid",
    contact: "Contact",
    edited: "edited",
    roles: { client: "client", therapist: "therapist", applicant: "applicant", admin: "admin" },
    language: { uk: "Ukrainian", en: "English" },
    failed: "Failed",
    menu: "Menu",
    people: "People",
    openLink: "A link from the web pages opens a chat with the bot. Whose?",
    cancel: "Cancel",
    unread: "new messages",
  },
};

let lang = new URLSearchParams(location.search).get("lang") || localStorage.getItem("demo-lang") || "uk";
if (!LABELS[lang]) lang = "uk";
const t = (key) => LABELS[lang][key];
const chats = new Map(); // persona key -> {persona, element, data, seen}
let clock = null;
let botUsername = "";
const MIN_CHAT_WIDTH = 300; // px: narrower, a chat's buttons no longer read
let shown = []; // the keys of the chats on screen, the one chosen longest ago first

async function api(path, body) {
  const options = body === undefined ? {} : body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ ok: false, error: response.statusText }));
  if (!response.ok && data.ok === undefined) data.ok = false;
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// -- labels ---------------------------------------------------------------------------------
function applyLabels() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-label]").forEach((node) => { node.textContent = t(node.dataset.label); });
  document.querySelectorAll("[data-label-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.labelPlaceholder); });
  document.querySelectorAll("[data-label-title]").forEach((node) => { node.title = t(node.dataset.labelTitle); });
  document.querySelectorAll("[data-label-aria]").forEach((node) => { node.setAttribute("aria-label", t(node.dataset.labelAria)); });
  document.querySelectorAll(".languages button").forEach((node) => node.classList.toggle("active", node.dataset.lang === lang));
  for (const chat of chats.values()) { describe(chat); render(chat); }
  showClock();
  showPeople();
}

// -- which chats are on screen --------------------------------------------------------------
// As many as fit side by side; a person's button in the people bar brings their chat in, in place of the one
// chosen longest ago. Nothing scrolls sideways.
function fitting() {
  return Math.max(1, Math.floor((window.innerWidth - 8) / (MIN_CHAT_WIDTH + 8)));
}

function layOut() {
  const room = fitting();
  for (const key of chats.keys()) if (shown.length < room && !shown.includes(key)) shown.push(key);
  while (shown.length > room) shown.shift();
  for (const [key, chat] of chats) {
    chat.element.hidden = !shown.includes(key);
    if (!chat.element.hidden) chat.unread = false;
  }
  showPeople();
}

function bringIn(key) {
  if (!shown.includes(key)) {
    if (shown.length >= fitting()) shown.shift();
    shown.push(key);
  }
  layOut();
}

function showPeople() {
  const bar = document.getElementById("people");
  bar.replaceChildren(...[...chats.values()].map((chat) => {
    const { persona } = chat;
    const button = el("button", { type: "button", "data-person": persona.key, "data-role": persona.role,
      "aria-pressed": String(shown.includes(persona.key)), title: `${t("roles")[persona.role]} · ${persona.city}`,
      onclick: () => bringIn(persona.key) },
    el("span", { class: "avatar", text: persona.name.slice(0, 1) }),
    el("span", { text: persona.name }),
    chat.unread ? el("span", { class: "unread", title: t("unread"), "aria-label": t("unread") }) : null);
    return button;
  }));
}

// -- links into the bot -------------------------------------------------------------------------
// There is no Telegram here: a t.me link to this bot opens the person's own chat with its start parameter, and the
// web pages' links (?start= on this page's address, DEMO_PAGE_URL) ask whose chat to open.
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

function botStart(href) {
  let url;
  try { url = new URL(href, location.href); } catch { return null; }
  if (url.hostname !== "t.me" || url.pathname.replace(/^\//, "").toLowerCase() !== botUsername.toLowerCase()) return null;
  const payload = url.searchParams.get("start");
  return payload && PAYLOAD.test(payload) ? `/start ${payload}` : "/start";
}

async function sendAs(key, text) {
  const answer = await api(`/api/chats/${key}/send`, { text });
  if (!answer.ok) toast(chats.get(key), answer.error, false);
}

function offerLink() {
  const params = new URLSearchParams(location.search);
  const payload = params.get("start");
  if (!payload || !PAYLOAD.test(payload)) return;
  const box = document.getElementById("link-opener");
  const close = () => {
    box.hidden = true;
    params.delete("start");
    history.replaceState(null, "", location.pathname + (params.toString() ? `?${params}` : ""));
  };
  document.getElementById("link-people").replaceChildren(...[...chats.values()].map(({ persona }) =>
    el("button", { type: "button", "data-person": persona.key, text: persona.name, onclick: () => {
      close();
      bringIn(persona.key);
      sendAs(persona.key, `/start ${payload}`);
    } })));
  document.getElementById("link-cancel").onclick = close;
  box.hidden = false;
}

function describe(chat) {
  const { persona, element } = chat;
  element.querySelector(".who").textContent = persona.name;
  element.querySelector(".what").textContent =
    `${t("roles")[persona.role]} · ${persona.city} · ${t("language")[persona.language] || persona.language}`;
}

// -- the clock ------------------------------------------------------------------------------
function showClock() {
  if (!clock) return;
  const moment = new Date(clock.now);
  const format = (zone, city) => new Intl.DateTimeFormat(lang === "uk" ? "uk-UA" : "en-US", {
    timeZone: zone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  }).format(moment) + ` (${city})`;
  document.getElementById("clock-kyiv").textContent = format("Europe/Kyiv", lang === "uk" ? "Київ" : "Kyiv");
  document.getElementById("clock-newyork").textContent = format("America/New_York", "New York");
  const hours = Math.round(clock.offset / 3600);
  document.getElementById("clock-ahead").textContent = hours
    ? `${t("ahead")} ${Math.floor(hours / 24) ? `${Math.floor(hours / 24)} ${t("days")} ` : ""}${hours % 24} ${t("hours")}`
    : "";
}

async function moveClock(action, button) {
  const note = document.getElementById("clock-note");
  note.textContent = "";
  document.querySelectorAll(".clock-btn").forEach((node) => { node.disabled = true; });
  try {
    const answer = await api("/api/clock", { action });
    if (answer.clock) { clock = answer.clock; showClock(); }
    if (!answer.ok) note.textContent = answer.error === "no_session" ? t("noSession")
      : answer.error === "closer_already" ? t("closerAlready") : `${t("failed")}: ${answer.error}`;
  } finally {
    document.querySelectorAll(".clock-btn").forEach((node) => { node.disabled = false; });
    button.blur();
  }
}

// -- one chat -------------------------------------------------------------------------------
function buildChat(persona) {
  const element = document.getElementById("chat-template").content.firstElementChild.cloneNode(true);
  element.dataset.persona = persona.key;
  element.dataset.role = persona.role;
  element.querySelector(".avatar").textContent = persona.name.slice(0, 1);
  const chat = { persona, element, data: { messages: [], reply_keyboard: null, commands: [] }, seen: null, unread: false };
  const form = element.querySelector(".compose");
  const menu = element.querySelector(".command-menu");
  const menuButton = element.querySelector(".menu-button");
  menuButton.addEventListener("click", () => {
    menu.hidden = !menu.hidden;
    menuButton.setAttribute("aria-expanded", String(!menu.hidden));
  });
  element.querySelector(".messages").addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    const text = link && botStart(link.getAttribute("href"));
    if (!text) return;
    event.preventDefault();
    sendAs(persona.key, text);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.elements.text;
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    const answer = await api(`/api/chats/${persona.key}/send`, { text });
    if (!answer.ok) { input.value = text; toast(chat, answer.error, false); }
  });
  form.elements.file.addEventListener("change", async () => {
    const file = form.elements.file.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file, file.name);
    const caption = form.elements.text.value.trim();
    if (caption) body.append("caption", caption);
    const answer = await api(`/api/chats/${persona.key}/upload`, body);
    if (answer.ok) form.elements.text.value = ""; else toast(chat, answer.error, false);
    form.elements.file.value = "";
  });
  chats.set(persona.key, chat);
  describe(chat);
  return element;
}

async function refresh(key) {
  const chat = chats.get(key);
  if (!chat) return;
  chat.data = await api(`/api/chats/${key}`);
  const count = (chat.data.messages || []).length;
  if (chat.seen !== null && count > chat.seen && chat.element.hidden) { chat.unread = true; showPeople(); }
  chat.seen = count;
  render(chat);
}

function renderMenu(chat) {
  const commands = chat.data.commands || [];
  const menu = chat.element.querySelector(".command-menu");
  const button = chat.element.querySelector(".menu-button");
  button.hidden = !commands.length;
  if (!commands.length) menu.hidden = true;
  menu.replaceChildren(...commands.map(({ command, description }) => el("li", {},
    el("button", { type: "button", onclick: () => {
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
      sendAs(chat.persona.key, `/${command}`);
    } }, el("span", { class: "command", text: `/${command}` }), el("span", { text: description })))));
}

function render(chat) {
  const box = chat.element.querySelector(".messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.replaceChildren();
  const { messages, reply_keyboard: keyboard } = chat.data;
  if (!messages.length) {
    box.append(el("button", { class: "start", type: "button", text: t("start"),
      onclick: () => api(`/api/chats/${chat.persona.key}/send`, { text: "/start" }) }));
  }
  for (const message of messages) box.append(...renderMessage(chat, message));
  const reply = chat.element.querySelector(".reply-keyboard");
  reply.replaceChildren(...(keyboard || []).map((row) => el("div", { class: "row" }, ...row.map((text) =>
    el("button", { type: "button", text, onclick: () => press(chat, text) })))));
  if (atBottom || chat.stick !== false) box.scrollTop = box.scrollHeight;
  chat.stick = atBottom;
  renderMenu(chat);
}

function renderMessage(chat, message) {
  if (message.payment) {
    return [el("div", { class: "service", text: `${t("payment")} ${message.payment}` })];
  }
  const bubble = el("div", { class: `msg ${message.from_bot ? "bot" : "mine"}`, "data-message": message.id });
  if (message.reply_to) bubble.append(el("div", { class: "quote", text: message.reply_to }));
  if (message.photo) bubble.append(el("img", { src: message.photo, alt: "", loading: "lazy" }));
  if (message.file) {
    bubble.append(el("a", { class: "file", href: message.file.url, download: message.file.name, target: "_blank" },
      el("span", { text: `${message.file.name} · ${Math.max(1, Math.round(message.file.size / 1024))} KB` })));
  }
  if (message.contact) bubble.append(el("div", { text: `☎ ${t("contact")}: ${message.contact}` }));
  if (message.invoice) {
    bubble.append(el("div", { class: "invoice" },
      el("strong", { text: message.invoice.title }),
      el("div", { text: message.invoice.description }),
      el("div", { class: "price", text: message.invoice.price })));
  }
  if (message.html) {
    const body = el("div", { class: "text" });
    body.innerHTML = message.html; // escaped by the server: only the entities' tags are markup
    body.querySelectorAll(".spoiler").forEach((node) => node.addEventListener("click", () => node.classList.add("shown")));
    bubble.append(body);
  }
  bubble.append(el("div", { class: "meta", text: `${message.edited ? `${t("edited")} ` : ""}${message.time}` }));
  const parts = [bubble];
  const rows = message.buttons || (message.invoice ? [[{ kind: "pay", text: "" }]] : []);
  if (rows.length) parts.push(keyboardFor(chat, message, rows));
  return parts;
}

function keyboardFor(chat, message, rows) {
  return el("div", { class: "keyboard" }, ...rows.map((row, rowIndex) => el("div", { class: "row" },
    ...row.map((button, column) => {
      if (button.kind === "url") {
        const start = botStart(button.url);
        if (start) return el("button", { type: "button", text: button.text, onclick: () => sendAs(chat.persona.key, start) });
        return el("a", { href: button.url, target: "_blank", rel: "noopener", text: `${button.text} ↗` });
      }
      if (button.kind === "pay") {
        const paid = message.invoice && message.invoice.paid;
        const node = el("button", { type: "button", class: "pay", text: paid ? t("paid") : t("pay") });
        node.disabled = Boolean(paid);
        node.addEventListener("click", () => pay(chat, message, node));
        return node;
      }
      return el("button", { type: "button", text: button.text, onclick: () => click(chat, message, rowIndex, column) });
    }))));
}

async function click(chat, message, row, column) {
  const answer = await api(`/api/chats/${chat.persona.key}/click`, { message_id: message.id, row, column });
  if (!answer.ok) toast(chat, answer.error, false);
}

async function press(chat, text) {
  const answer = await api(`/api/chats/${chat.persona.key}/press`, { text });
  if (!answer.ok) toast(chat, answer.error, false);
}

async function pay(chat, message, button) {
  button.disabled = true;
  button.textContent = t("paying");
  const answer = await api(`/api/chats/${chat.persona.key}/pay`, { message_id: message.id });
  if (!answer.ok) {
    toast(chat, answer.error, true);
    button.disabled = false;
    button.textContent = t("pay");
  }
}

function toast(chat, text, alert) {
  const box = chat.element.querySelector(".toast");
  box.textContent = text;
  box.classList.toggle("alert", Boolean(alert));
  box.hidden = false;
  clearTimeout(chat.toastTimer);
  chat.toastTimer = setTimeout(() => { box.hidden = true; }, alert ? 6000 : 3000);
}

// -- live updates ---------------------------------------------------------------------------
function listen() {
  const pending = new Map();
  const events = new EventSource("/api/events");
  events.onopen = () => {
    document.getElementById("offline").hidden = true;
    for (const key of chats.keys()) refresh(key); // whatever happened while away
  };
  events.onerror = () => { document.getElementById("offline").hidden = false; };
  events.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "chat") {
      // Several calls in a row (an edit and a new message) fetch the chat once.
      clearTimeout(pending.get(data.key));
      pending.set(data.key, setTimeout(() => refresh(data.key), 60));
    } else if (data.type === "clock") {
      clock = data.clock;
      showClock();
    } else if (data.type === "toast") {
      const chat = chats.get(data.key);
      if (chat) toast(chat, data.text, data.alert);
    }
  };
}

async function main() {
  const state = await api("/api/state");
  clock = state.clock;
  botUsername = state.bot;
  document.getElementById("web-pages").href = state.web;
  const box = document.getElementById("chats");
  for (const persona of state.personas) box.append(buildChat(persona));
  document.querySelectorAll(".clock-btn").forEach((button) =>
    button.addEventListener("click", () => moveClock(button.dataset.action, button)));
  document.querySelectorAll(".languages button").forEach((button) => button.addEventListener("click", () => {
    lang = button.dataset.lang;
    localStorage.setItem("demo-lang", lang);
    applyLabels();
  }));
  applyLabels();
  layOut();
  window.addEventListener("resize", layOut);
  offerLink();
  listen();
}

main();
