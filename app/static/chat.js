// Web chat client: keeps the conversation token in sessionStorage and polls for replies.
(function () {
  "use strict";
  const form = document.getElementById("chat-form");
  const transcript = document.getElementById("transcript");
  let token = sessionStorage.getItem("frontdoor-chat-token");

  async function ensureToken() {
    if (token) return token;
    const response = await fetch("/api/chat/start", { method: "POST" });
    token = (await response.json()).token;
    sessionStorage.setItem("frontdoor-chat-token", token);
    return token;
  }

  function render(messages) {
    transcript.replaceChildren(...messages.map(function (m) {
      const item = document.createElement("li");
      item.className = m.direction;
      item.textContent = m.text;
      return item;
    }));
  }

  async function refresh() {
    if (!token) return;
    const response = await fetch("/api/chat/messages", { headers: { Authorization: "Bearer " + token } });
    if (response.ok) render((await response.json()).messages);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const data = new FormData(form);
    const body = { client_message_id: crypto.randomUUID().replaceAll("-", ""), text: data.get("text") };
    if (data.get("name")) body.name = data.get("name");
    if (data.get("postcode")) body.postcode = data.get("postcode");
    await ensureToken();
    await fetch("/api/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify(body),
    });
    form.reset();
    await refresh();
  });

  refresh();
  setInterval(refresh, 3000);
})();
