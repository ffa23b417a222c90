{{%AUTOESCAPE context="HTML"}}
{{>HEAD}}
<h1>Platform coverage</h1>
<p class="lede">{{NTARGETS}} images built here, {{NUSED}} images used. Ports are ranked for <a href="{{PRIORITY_PAGE}}"><strong>{{PRIORITY}}</strong></a>.</p>

<section aria-labelledby="by-platform">
<h2 id="by-platform">By platform</h2>
<div class="table-wrap" role="region" aria-labelledby="by-platform" tabindex="0">
<table class="summary">
<caption>How many images built here are in each state on each platform, and how many used images exist for it</caption>
<thead>
<tr>
<th scope="col" rowspan="2">Platform</th>
<th scope="col" rowspan="2">Coverage</th>
<th scope="colgroup" colspan="5" class="span-head">Built here</th>
<th scope="colgroup" colspan="3" class="span-head">Used</th>
</tr>
<tr>
<th scope="col" class="num"><span class="sym" aria-hidden="true">✓</span> published</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">◐</span> declared</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">+</span> portable</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">⊘</span> blocked</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">?</span> unknown</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">✓</span> published</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">✗</span> missing</th>
<th scope="col" class="num"><span class="sym" aria-hidden="true">?</span> unknown</th>
</tr>
</thead>
<tbody>
{{#PLATFORM}}
<tr{{#IS_PRIORITY}} class="priority"{{/IS_PRIORITY}}>
<th scope="row"><a href="{{PLATFORM_PAGE}}">{{PLATFORM}}</a>{{#IS_PRIORITY}} <span class="tag">priority</span>{{/IS_PRIORITY}}</th>
<td class="cov"><span class="pct">{{COVERAGE_TEXT}}</span> <svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="track" width="100" height="6" rx="3"/><rect class="fill" width="{{COVERAGE}}" height="6" rx="3"/></svg></td>
<td class="num s-published">{{T_PUBLISHED}}</td>
<td class="num s-declared">{{T_DECLARED}}</td>
<td class="num s-portable">{{T_PORTABLE}}</td>
<td class="num s-blocked">{{T_BLOCKED}}</td>
<td class="num s-unknown">{{T_UNKNOWN}}</td>
<td class="num s-published">{{U_PUBLISHED}}</td>
<td class="num s-missing">{{U_MISSING}}</td>
<td class="num s-unknown">{{U_UNKNOWN}}</td>
</tr>
{{/PLATFORM}}
</tbody>
</table>
</div>
</section>

<section aria-labelledby="next-ports" class="ports">
<h2 id="next-ports">Next ports for {{PRIORITY}}</h2>
{{#NO_PORTS}}<p class="empty">Nothing left to port: every image built here is published for {{PRIORITY}}.</p>{{/NO_PORTS}}{{#NO_PORTS_UNKNOWN}}<p class="empty">Nothing to port among the images the registry answered for; {{UNKNOWN_TEXT}} could not be checked (<a href="{{PRIORITY_PAGE}}#unknown">see why</a>).</p>{{/NO_PORTS_UNKNOWN}}
<ol class="groups">
{{#GROUP}}
<li class="group g-{{STATE}}">
<h3><span class="sym" aria-hidden="true">{{SYMBOL}}</span> {{#PORTABLE}}{{COUNT}} portable now{{/PORTABLE}}{{#DECLARED}}{{COUNT}} declared, not published{{/DECLARED}}{{#BLOCKED}}Porting <code>{{BASE}}</code> unblocks {{COUNT}}{{/BLOCKED}}</h3>
<p class="explain">{{#PORTABLE}}The base image already has {{PRIORITY}}: add it to the build.{{/PORTABLE}}{{#DECLARED}}The build declares {{PRIORITY}}, but the registry does not have it: publish it.{{/DECLARED}}{{#BLOCKED}}This base image lacks {{PRIORITY}}: port it, or switch to a base that has it.{{/BLOCKED}}</p>
<ol class="images">
{{#ITEM}}<li><a href="{{PAGE}}"><span class="prefix">{{IMAGE_PREFIX}}</span><span class="name">{{IMAGE_NAME}}</span></a> <span class="uses">{{USES_TEXT}}</span></li>
{{/ITEM}}
</ol>
{{#MORE}}<p class="more"><a href="{{PRIORITY_PAGE}}">{{MORE_COUNT}} more on the {{PRIORITY}} page</a></p>{{/MORE}}
</li>
{{/GROUP}}
</ol>
</section>

{{#CHANGES}}
<section aria-labelledby="changes">
<h2 id="changes">Since the previous run</h2>
<p>Compared with the run of <time>{{PREVIOUS_AT}}</time>. <a href="trend.html">See the trend</a>.</p>
<ul class="deltas">
<li class="d-published"><span class="sym" aria-hidden="true">↑</span> <strong>{{N_PUBLISHED}}</strong> newly published</li>
<li class="d-lost"><span class="sym" aria-hidden="true">↓</span> <strong>{{N_LOST}}</strong> lost (regressions)</li>
<li><span class="sym" aria-hidden="true">+</span> <strong>{{N_ADDED}}</strong> new images</li>
<li><span class="sym" aria-hidden="true">−</span> <strong>{{N_REMOVED}}</strong> removed</li>
</ul>
{{#LOST_ANY}}
<h3>Regressions</h3>
<ul class="change-list">
{{#LOST}}<li><span class="sym" aria-hidden="true">↓</span> <a href="{{PAGE}}">{{IMAGE}}</a> on <strong>{{PLATFORM}}</strong>: was {{WAS}}, now {{NOW}}</li>
{{/LOST}}
</ul>
{{/LOST_ANY}}
</section>
{{/CHANGES}}

<section aria-labelledby="matrix">
<h2 id="matrix">Matrix</h2>
<ul class="legend" aria-label="Legend">
<li><span class="chip s-published"><span class="sym" aria-hidden="true">✓</span> published</span> in the registry</li>
<li><span class="chip s-declared"><span class="sym" aria-hidden="true">◐</span> declared</span> in the build, not published</li>
<li><span class="chip s-portable"><span class="sym" aria-hidden="true">+</span> portable</span> base has it: a cheap port</li>
<li><span class="chip s-blocked"><span class="sym" aria-hidden="true">⊘</span> blocked</span> base lacks it (named)</li>
<li><span class="chip s-missing"><span class="sym" aria-hidden="true">✗</span> missing</span> used image lacks it</li>
<li><span class="chip s-unknown"><span class="sym" aria-hidden="true">?</span> unknown</span> registry could not say</li>
<li><span class="chip s-unused"><span class="sym" aria-hidden="true">–</span> unused</span> no reference is for this platform</li>
</ul>
<form class="controls" data-controls hidden>
<label>Find <input type="search" name="q" data-filter-text placeholder="image name" autocomplete="off"></label>
<label>State <select name="state" data-filter-state>
<option value="">any state</option>
<option value="published">✓ published</option>
<option value="declared">◐ declared</option>
<option value="portable">+ portable</option>
<option value="blocked">⊘ blocked</option>
<option value="missing">✗ missing</option>
<option value="unknown">? unknown</option>
<option value="unused">– unused</option>
</select></label>
<label>on <select name="col" data-filter-col>
<option value="">any platform</option>
{{#COL}}<option value="{{PLATFORM}}">{{PLATFORM}}</option>
{{/COL}}
</select></label>
<output data-count aria-live="polite"></output>
</form>

<h3 id="built">Built here <span class="count">{{NTARGETS}}</span></h3>
{{#NO_TARGETS}}<p class="empty">No image is built in the scanned paths.</p>{{/NO_TARGETS}}
{{#TARGETS}}
<div class="table-wrap matrix-wrap" role="region" aria-labelledby="built" tabindex="0">
<table class="matrix" data-matrix>
<thead>
<tr><th scope="col" class="image-col" data-sort="text">Image</th><th scope="col" class="num" data-sort="num">Uses</th>{{#COL}}<th scope="col" class="pcol" data-sort="num" data-col="{{PLATFORM}}">{{PLATFORM}}</th>{{/COL}}</tr>
</thead>
<tbody>
{{#ROW}}<tr><th scope="row" data-value="{{IMAGE}}"><a href="{{PAGE}}"><span class="prefix">{{IMAGE_PREFIX}}</span><span class="name">{{IMAGE_NAME}}</span></a></th><td class="num" data-value="{{USES}}">{{USES}}</td>{{#CELL}}<td class="cell s-{{STATE}}" data-state="{{STATE}}" data-col="{{PLATFORM}}" data-value="{{RANK}}" title="{{HINT}}"><span class="sym" aria-hidden="true">{{SYMBOL}}</span> <span class="word">{{WORD}}</span>{{#HAS_DETAIL}} <span class="detail">{{DETAIL}}</span>{{/HAS_DETAIL}}</td>{{/CELL}}</tr>
{{/ROW}}
</tbody>
</table>
</div>
<p class="empty" data-no-match hidden>No image built here matches the filter.</p>
{{/TARGETS}}

<h3 id="used">Used, not built here <span class="count">{{NUSED}}</span></h3>
{{#NO_USED}}<p class="empty">No other image is referenced.</p>{{/NO_USED}}
{{#USED}}
<div class="table-wrap matrix-wrap" role="region" aria-labelledby="used" tabindex="0">
<table class="matrix" data-matrix>
<thead>
<tr><th scope="col" class="image-col" data-sort="text">Image</th><th scope="col" class="num" data-sort="num">Uses</th>{{#COL}}<th scope="col" class="pcol" data-sort="num" data-col="{{PLATFORM}}">{{PLATFORM}}</th>{{/COL}}</tr>
</thead>
<tbody>
{{#ROW}}<tr><th scope="row" data-value="{{IMAGE}}"><a href="{{PAGE}}"><span class="prefix">{{IMAGE_PREFIX}}</span><span class="name">{{IMAGE_NAME}}</span></a></th><td class="num" data-value="{{USES}}">{{USES}}</td>{{#CELL}}<td class="cell s-{{STATE}}" data-state="{{STATE}}" data-col="{{PLATFORM}}" data-value="{{RANK}}" title="{{HINT}}"><span class="sym" aria-hidden="true">{{SYMBOL}}</span> <span class="word">{{WORD}}</span>{{#HAS_DETAIL}} <span class="detail">{{DETAIL}}</span>{{/HAS_DETAIL}}</td>{{/CELL}}</tr>
{{/ROW}}
</tbody>
</table>
</div>
<p class="empty" data-no-match hidden>No used image matches the filter.</p>
{{/USED}}
</section>

{{#UNRESOLVED_ANY}}
<section aria-labelledby="unresolved">
<h2 id="unresolved">Not understood</h2>
<details>
<summary>Could not read {{N_UNRESOLVED}} image references</summary>
<ul class="unresolved">
{{#UNRESOLVED}}<li>{{#HAS_LINK}}<a href="{{LINK}}"><code>{{PATH}}:{{LINE}}</code></a>{{/HAS_LINK}}{{#NO_LINK}}<code>{{PATH}}:{{LINE}}</code>{{/NO_LINK}} <code>{{RAW}}</code> — {{REASON}}</li>
{{/UNRESOLVED}}
</ul>
</details>
</section>
{{/UNRESOLVED_ANY}}
{{>FOOT}}
