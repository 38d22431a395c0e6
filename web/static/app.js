// Kindly chat page. Talks to Rasa's socket.io channel with a signed token from this page's
// server (POST /session); the token alone names the conversation, so a reload, a lost
// connection or a restarted server finds the same conversation again. Text from the bot is
// always inserted as text, never as HTML; links come only from the server's rendering of the
// crisis-line directory, and only tel:, sms: and https: links are made.
(function () {
  "use strict";

  var TOKEN_KEY = "kindly.token";
  var REGION_KEY = "kindly.region";
  var SAFE_LINK = /^(tel:|sms:|https:\/\/)/;
  var LOCALE_REGIONS = { us: "us", ca: "ca", gb: "uk", uk: "uk", ie: "ie", au: "au", nz: "nz" };

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var statusLine = document.getElementById("status");
  var typing = document.getElementById("typing");
  var hint = document.getElementById("hint");
  var helpDialog = document.getElementById("help");
  var helpOpen = document.getElementById("help-open");
  var helpClose = document.getElementById("help-close");
  var helpRegion = document.getElementById("help-region");
  var helpLines = document.getElementById("help-lines");

  var socket = null;
  var typingTimer = null;
  var helpData = null;
  var connectedOnce = false;

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: session only */ }
  }

  function setStatus(text) { statusLine.textContent = text || ""; }

  // ---- rendering -------------------------------------------------------------------------

  function appendSegments(parent, message) {
    var segments = message.segments && message.segments.length ? message.segments : [{ text: message.text || "" }];
    segments.forEach(function (segment) {
      if (segment.href && SAFE_LINK.test(segment.href)) {
        var link = document.createElement("a");
        link.href = segment.href;
        link.textContent = segment.text;
        if (segment.kind === "tel") link.setAttribute("aria-label", "Call " + segment.text);
        if (segment.kind === "sms") link.setAttribute("aria-label", "Send a text: " + segment.text);
        if (segment.kind === "web") { link.target = "_blank"; link.rel = "noopener noreferrer"; }
        parent.appendChild(link);
      } else {
        parent.appendChild(document.createTextNode(segment.text));
      }
    });
  }

  function say(role, bubble) {
    var item = document.createElement("li");
    item.className = role;
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = role === "user" ? "You said: " : "Kindly said: ";
    bubble.insertBefore(who, bubble.firstChild);
    item.appendChild(bubble);
    log.appendChild(item);
    hint.hidden = true;
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function addUser(text) {
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(document.createTextNode(text));
    say("user", bubble);
  }

  function disableChoices() {
    log.querySelectorAll(".choices button").forEach(function (button) { button.disabled = true; });
  }

  function addBot(message, live) {
    if (!message.text && !(message.buttons && message.buttons.length)) return;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    appendSegments(bubble, message);
    var item = say("bot", bubble);
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("fieldset");
      group.className = "choices" + (message.choice === "rating" ? " rating" : "");
      var legend = document.createElement("legend");
      legend.textContent = message.choice === "rating" ? "Choose a number from 0 to 10" : "Choose one, or type your own answer";
      group.appendChild(legend);
      message.buttons.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.title;
        button.setAttribute("aria-pressed", "false");
        button.disabled = !live;
        button.addEventListener("click", function () {
          button.setAttribute("aria-pressed", "true");
          send(choice.payload, choice.title);
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
  }

  function showHistory(messages) {
    log.textContent = "";
    messages.forEach(function (message) {
      if (message.role === "user") addUser(message.text);
      else addBot(message, false);
    });
    // Only the last message's choices still apply, and only if nobody has answered them yet.
    var last = log.lastElementChild;
    if (last && last.classList.contains("bot")) {
      last.querySelectorAll(".choices button").forEach(function (button) { button.disabled = false; });
    }
    hint.hidden = messages.length > 0;
  }

  // ---- typing indicator ------------------------------------------------------------------

  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    // Never leave it on: a reply that does not come is not "typing" any more.
    typingTimer = setTimeout(hideTyping, 20000);
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    typing.hidden = true;
  }

  // ---- sending ---------------------------------------------------------------------------

  function region() { return stored(REGION_KEY); }

  function send(payload, shown) {
    var text = (payload || "").trim();
    if (!text || !socket) return;
    disableChoices();
    addUser(shown || text);
    var data = { message: text };
    if (region()) data.customData = { country: region() };
    // socket.io keeps what is sent while disconnected and delivers it on reconnecting.
    socket.emit("user_uttered", data);
    if (!socket.connected) setStatus("Not connected. Your message will be sent when the connection is back.");
    showTyping();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    send(text);
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // ---- help panel ------------------------------------------------------------------------

  function guessRegion() {
    var chosen = region();
    if (chosen) return chosen;
    var locale = (navigator.language || "").toLowerCase().split("-");
    return LOCALE_REGIONS[locale[1]] || "other";
  }

  // The page arrives with every emergency number already in the panel (from the directory), so
  // someone who opens it before the lines have loaded, or when they fail to load, still has them.
  var helpFallback = helpLines.cloneNode(true);

  function showLines(code) {
    var found = (helpData && helpData.regions || []).filter(function (r) { return r.code === code; })[0];
    helpLines.textContent = "";
    if (found) appendSegments(helpLines, found);
    else helpLines.appendChild(helpFallback.firstChild.cloneNode(true));
  }

  function fillHelp() {
    if (!helpData) return;
    helpRegion.textContent = "";
    helpData.regions.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.code;
      option.textContent = r.name;
      helpRegion.appendChild(option);
    });
    helpRegion.value = guessRegion();
    showLines(helpRegion.value);
  }

  helpRegion.addEventListener("change", function () {
    store(REGION_KEY, helpRegion.value);
    showLines(helpRegion.value);
  });

  helpOpen.addEventListener("click", function (event) {
    event.preventDefault();
    fillHelp();
    if (typeof helpDialog.showModal === "function") helpDialog.showModal();
    else helpDialog.setAttribute("open", "");
    helpRegion.focus();
  });
  helpClose.addEventListener("click", function () {
    helpDialog.close ? helpDialog.close() : helpDialog.removeAttribute("open");
    helpOpen.focus();
  });

  // ---- connection ------------------------------------------------------------------------

  function fetchJSON(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function newSession() {
    return fetchJSON("/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: stored(TOKEN_KEY) })
    }).then(function (session) {
      store(TOKEN_KEY, session.token);
      return session;
    });
  }

  function connect(config) {
    socket = io(config.socket_url, {
      path: config.socket_path,
      transports: ["websocket", "polling"],
      auth: function (done) { done({ token: stored(TOKEN_KEY) }); }
    });
    socket.on("connect", function () {
      connectedOnce = true;
      setStatus("");
      socket.emit("session_request", {});
    });
    socket.on("connect_error", function (error) {
      setStatus((connectedOnce ? "Connection lost. Reconnecting… Your conversation is kept." : "Connecting…") +
        " If you need help now, use “Get help now” above.");
      if (error && /not valid/.test(error.message || "")) {
        // The session ran out or the server's secret changed: get a fresh one and try again.
        newSession().then(function () { socket.connect(); }).catch(function () {});
      }
    });
    socket.on("disconnect", function () {
      setStatus("Connection lost. Reconnecting… Your conversation is kept.");
    });
    socket.on("history", function (data) {
      showHistory((data && data.messages) || []);
    });
    socket.on("bot_uttered", function (message) {
      hideTyping();
      addBot(message, true);
    });
  }

  fetchJSON("/help.json").then(function (data) {
    helpData = data;
    if (helpDialog.open || helpDialog.hasAttribute("open")) fillHelp();  // opened while loading
  }).catch(function () {});

  Promise.all([fetchJSON("/config.json"), newSession()])
    .then(function (results) { connect(results[0]); })
    .catch(function () {
      setStatus("The chat could not start. Please reload the page. If you need help now, use “Get help now” above.");
    });
})();
