/**
 * The demo page: sentences in, their similarity matrix as a heat map out.
 * The embedding runs in the browser (`/assets/page.js`, the library bundled
 * by `deno task build:page`, and onnxruntime-web for transformer pipelines);
 * the server only hands out specs, artifacts and model files.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sentemb</title>
<style>
body{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
textarea{width:100%;height:8rem;font:inherit}
table{border-collapse:collapse;margin-top:1rem}td,th{padding:.3rem .5rem;text-align:center}
th{font-weight:normal;max-width:12rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#legend{display:flex;align-items:center;gap:.5rem;margin-top:.5rem;font-size:13px}
#legend .bar{width:16rem;height:.8rem;border-radius:.2rem}
</style></head>
<body>
<h1>sentemb</h1>
<p>One sentence a line; the matrix shows their cosine similarities, computed in
this browser by the same pipeline code the server runs (transformer pipelines on
onnxruntime-web: WebGPU where available, WASM otherwise).</p>
<select id="model"></select>
<textarea id="sentences">A man is playing a guitar.
A person plays an instrument.
The stock market fell sharply today.</textarea>
<button id="go" disabled>Compare</button>
<p id="size"></p>
<p id="status"></p>
<table id="matrix"></table>
<div id="legend"><span>−1 opposite</span><span class="bar"></span><span>0 unrelated</span><span class="bar"></span><span>1 same meaning</span></div>
<script type="module" src="/assets/page.js"></script>
</body></html>`;
