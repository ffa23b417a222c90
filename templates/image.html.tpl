{{%AUTOESCAPE context="HTML"}}
{{>HEAD}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="../index.html">Overview</a> › <span>{{IMAGE_NAME}}</span></nav>
<h1 class="image-title"><span class="prefix">{{IMAGE_PREFIX}}</span><span class="name">{{IMAGE_NAME}}</span></h1>
<p class="lede">{{#TARGET}}<span class="tag">built here</span> from <code>{{DIR}}</code>{{#HAS_DIR_LINK}} (<a href="{{DIR_LINK}}">browse</a>){{/HAS_DIR_LINK}}{{/TARGET}}{{#USED}}<span class="tag">used</span> not built in the scanned repositories{{/USED}} · referenced in {{PLACES_TEXT}}</p>

<section aria-labelledby="registry">
<h2 id="registry">Registry</h2>
<dl class="facts">
<dt>Status</dt><dd><span class="status st-{{STATUS}}">{{STATUS}}</span>{{#HAS_ERROR}} — {{ERROR}}{{/HAS_ERROR}}</dd>
{{#HAS_DIGEST}}<dt>Digest</dt><dd><code class="digest">{{DIGEST}}</code></dd>{{/HAS_DIGEST}}
{{#HAS_MEDIA_TYPE}}<dt>Media type</dt><dd><code>{{MEDIA_TYPE}}</code></dd>{{/HAS_MEDIA_TYPE}}
</dl>
</section>

<section aria-labelledby="platforms">
<h2 id="platforms">Platforms</h2>
<div class="table-wrap" role="region" aria-labelledby="platforms" tabindex="0">
<table class="detail-table stack">
<thead><tr><th scope="col">Platform</th><th scope="col">State</th><th scope="col">Why</th><th scope="col">Base image</th><th scope="col">Manifest digest</th><th scope="col">Windows build</th></tr></thead>
<tbody>
{{#CELLROW}}<tr>
<th scope="row"><a href="{{PLATFORM_PAGE}}">{{PLATFORM}}</a></th>
<td class="cell s-{{STATE}}" data-label="State"><span class="sym" aria-hidden="true">{{SYMBOL}}</span> <span class="word">{{WORD}}</span></td>
<td data-label="Why">{{WHY}}</td>
<td data-label="Base image">{{#HAS_BASE}}{{#BASE_LINK}}<a href="{{BASE_PAGE}}">{{/BASE_LINK}}<code>{{BASE}}</code>{{#BASE_LINK}}</a>{{/BASE_LINK}}{{/HAS_BASE}}</td>
<td data-label="Digest">{{#HAS_PDIGEST}}<code class="digest" title="{{PDIGEST}}">{{PDIGEST_SHORT}}</code>{{/HAS_PDIGEST}}</td>
<td data-label="Windows build">{{OS_VERSION}}</td>
</tr>
{{/CELLROW}}
</tbody>
</table>
</div>
</section>

{{#BLOCKERS_ANY}}
<section aria-labelledby="blockers">
<h2 id="blockers">What blocks it</h2>
<ul class="blockers">
{{#BLOCKER}}<li><span class="sym" aria-hidden="true">⊘</span> <strong>{{PLATFORM}}</strong>: base {{#BASE_LINK}}<a href="{{BASE_PAGE}}">{{/BASE_LINK}}<code>{{BASE}}</code>{{#BASE_LINK}}</a>{{/BASE_LINK}} has no {{PLATFORM}}</li>
{{/BLOCKER}}
</ul>
</section>
{{/BLOCKERS_ANY}}

{{#INDEX_ANY}}
<section aria-labelledby="index-entries">
<h2 id="index-entries">Everything the registry has</h2>
<div class="table-wrap" role="region" aria-labelledby="index-entries" tabindex="0">
<table class="detail-table">
<thead><tr><th scope="col">Platform</th><th scope="col">Windows build</th><th scope="col">Manifest digest</th></tr></thead>
<tbody>
{{#ENTRY}}<tr><th scope="row">{{PLATFORM}}</th><td>{{OS_VERSION}}</td><td><code class="digest">{{DIGEST}}</code></td></tr>
{{/ENTRY}}
</tbody>
</table>
</div>
</section>
{{/INDEX_ANY}}

{{#BASES_ANY}}
<section aria-labelledby="bases">
<h2 id="bases">Base image per platform</h2>
<div class="table-wrap" role="region" aria-labelledby="bases" tabindex="0">
<table class="detail-table">
<thead><tr><th scope="col">Declared platform</th><th scope="col">Base image</th></tr></thead>
<tbody>
{{#BASEROW}}<tr><th scope="row">{{PLATFORM}}</th><td>{{#BASE_LINK}}<a href="{{BASE_PAGE}}">{{/BASE_LINK}}<code>{{BASE}}</code>{{#BASE_LINK}}</a>{{/BASE_LINK}}</td></tr>
{{/BASEROW}}
</tbody>
</table>
</div>
</section>
{{/BASES_ANY}}

<section aria-labelledby="refs">
<h2 id="refs">Where it is referenced</h2>
{{#NO_REFS}}<p class="empty">No file in the scanned repositories names this image.</p>{{/NO_REFS}}
<ul class="refs">
{{#REF}}<li>{{#HAS_LINK}}<a href="{{LINK}}"><code>{{PATH}}:{{LINE}}</code></a>{{/HAS_LINK}}{{#NO_LINK}}<code>{{PATH}}:{{LINE}}</code>{{/NO_LINK}} <span class="ctx">{{CONTEXT}}</span>{{#PLATFORM}} <span class="tag">{{PLATFORM}}</span>{{/PLATFORM}}{{#HAS_RAW}} <span class="raw">as <code>{{RAW}}</code></span>{{/HAS_RAW}}</li>
{{/REF}}
</ul>
</section>
{{>FOOT}}
