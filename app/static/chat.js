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
    for (const field of ["postcode", "phone", "email"]) {
      if (data.get(field)) body[field] = data.get(field);
    }
    await ensureToken();
    const sent = await fetch("/api/chat/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify(body),
    });
    if (!sent.ok) {
      // Say what was wrong (e.g. a postcode that is not one) and keep what they typed.
      const problem = document.createElement("li");
      problem.className = "out";
      problem.setAttribute("role", "alert");
      const detail = await sent.json().catch(function () { return {}; });
      problem.textContent = "Sorry, we could not send that: " + (detail.error || sent.statusText);
      transcript.append(problem);
      return;
    }
    form.reset();
    await refresh();
  });

  refresh();
  setInterval(refresh, 3000);
})();
