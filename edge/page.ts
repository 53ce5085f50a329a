/**
 * The demo page: sentences in, their similarity matrix as a heat map out.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sentemb</title>
<style>
body{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
textarea{width:100%;height:8rem;font:inherit}
table{border-collapse:collapse;margin-top:1rem}td,th{padding:.3rem .5rem;text-align:center}
th{font-weight:normal;max-width:12rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
</style></head>
<body>
<h1>sentemb</h1>
<p>One sentence a line; the matrix shows their cosine similarities.</p>
<select id="model"></select>
<textarea id="sentences">A man is playing a guitar.
A person plays an instrument.
The stock market fell sharply today.</textarea>
<button id="go">Compare</button>
<p id="status"></p>
<table id="matrix"></table>
<script type="module">
const $ = (id) => document.getElementById(id);
const models = await (await fetch("/v1/models")).json();
for (const m of models.data) $("model").append(new Option(m.id, m.id));
const color = (s) => "hsl(" + (220 - 220 * Math.max(0, Math.min(1, (s + 1) / 2))) + ",70%,55%)";
$("go").onclick = async () => {
  const sentences = $("sentences").value.split("\\n").map((s) => s.trim()).filter(Boolean);
  $("status").textContent = "…";
  const r = await fetch("/v1/similarity", {method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({model: $("model").value, sentences})});
  const body = await r.json();
  if (!r.ok) { $("status").textContent = body.error.message; return; }
  $("status").textContent = "";
  const t = $("matrix"); t.textContent = "";
  const head = t.insertRow(); head.insertCell();
  sentences.forEach((s, j) => { const th = document.createElement("th"); th.textContent = (j + 1) + ". " + s; head.append(th); });
  body.matrix.forEach((cells, i) => {
    const tr = t.insertRow(); const th = document.createElement("th"); th.textContent = (i + 1) + ". " + sentences[i]; tr.append(th);
    cells.forEach((s) => { const td = tr.insertCell(); td.textContent = s.toFixed(2); td.dataset.score = s; td.style.background = color(s); });
  });
};
</script></body></html>`;
