{{%AUTOESCAPE context="HTML"}}
{{>HEAD}}
<h1>Trend</h1>
<p class="lede">Coverage of the images built here, per platform, over {{RUNS_TEXT}} kept in <code>history/</code>. A run in which the registry could not answer for most of a platform's images is left out of that platform's line; the table below shows it.</p>

<section aria-labelledby="chart-h">
<h2 id="chart-h">Coverage over time</h2>
<figure class="chart-box">
<svg class="chart" viewBox="0 0 {{W}} {{H}}" role="img" aria-labelledby="chart-title chart-desc" focusable="false">
<title id="chart-title">Coverage per platform over {{RUNS_TEXT}}</title>
<desc id="chart-desc">Percent of the images built here that are published, one line per platform. The table below holds the same numbers.</desc>
{{#GRID}}<line class="grid" x1="{{X1}}" x2="{{X2}}" y1="{{Y}}" y2="{{Y}}"/><text class="axis" x="{{LX}}" y="{{LY}}" text-anchor="end">{{LABEL}}%</text>
{{/GRID}}
{{#XLABEL}}<text class="axis" x="{{X}}" y="{{Y}}" text-anchor="{{ANCHOR}}">{{LABEL}}</text>
{{/XLABEL}}
{{#SERIES}}<g class="series c{{INDEX}}"><polyline points="{{POINTS}}"/>{{#POINT}}<circle cx="{{X}}" cy="{{Y}}" r="3.5"><title>{{PLATFORM}}: {{PCT}}% on {{AT}}</title></circle>{{/POINT}}</g>
{{/SERIES}}
</svg>
<figcaption>
<ul class="chart-legend">
{{#SERIES}}<li class="c{{INDEX}}"><svg class="swatch" viewBox="0 0 28 10" aria-hidden="true" focusable="false"><line x1="1" y1="5" x2="27" y2="5"/><circle cx="14" cy="5" r="3"/></svg> {{PLATFORM}} <strong>{{LAST}}</strong></li>
{{/SERIES}}
</ul>
</figcaption>
</figure>
</section>

<section aria-labelledby="runs-h">
<h2 id="runs-h">Runs</h2>
<div class="table-wrap" role="region" aria-labelledby="runs-h" tabindex="0">
<table class="detail-table runs">
<caption>Published images built here / all images built here, per run</caption>
<thead><tr><th scope="col">Run</th>{{#COL}}<th scope="col" class="num">{{PLATFORM}}</th>{{/COL}}</tr></thead>
<tbody>
{{#RUN}}<tr><th scope="row"><a href="{{FILE}}"><time>{{AT}}</time></a></th>{{#VAL}}<td class="num">{{TEXT}}</td>{{/VAL}}</tr>
{{/RUN}}
</tbody>
</table>
</div>
</section>

<section aria-labelledby="changes">
<h2 id="changes">Changes since the previous run</h2>
{{#NO_PREVIOUS}}<p class="empty">This is the first run kept: there is nothing to compare with yet.</p>{{/NO_PREVIOUS}}
{{#CHANGES}}
<p>Compared with the run of <time>{{PREVIOUS_AT}}</time>.</p>
<div class="change-grid">
<div>
<h3><span class="sym" aria-hidden="true">↓</span> Lost: {{N_LOST}}</h3>
{{#NO_LOST}}<p class="empty">No regressions.</p>{{/NO_LOST}}
<ul class="change-list d-lost">
{{#LOST}}<li><a href="{{PAGE}}">{{IMAGE}}</a> on <strong>{{PLATFORM}}</strong>: was {{WAS}}, now {{NOW}}</li>
{{/LOST}}
</ul>
</div>
<div>
<h3><span class="sym" aria-hidden="true">↑</span> Newly published: {{N_PUBLISHED}}</h3>
<ul class="change-list d-published">
{{#PUBLISHED}}<li><a href="{{PAGE}}">{{IMAGE}}</a> on <strong>{{PLATFORM}}</strong> (was {{WAS}})</li>
{{/PUBLISHED}}
</ul>
</div>
<div>
<h3><span class="sym" aria-hidden="true">+</span> New images: {{N_ADDED}}</h3>
<ul class="change-list">
{{#ADDED}}<li><a href="{{PAGE}}">{{IMAGE}}</a></li>
{{/ADDED}}
</ul>
</div>
<div>
<h3><span class="sym" aria-hidden="true">−</span> Removed images: {{N_REMOVED}}</h3>
<ul class="change-list">
{{#REMOVED}}<li><code>{{IMAGE}}</code></li>
{{/REMOVED}}
</ul>
</div>
</div>
{{/CHANGES}}
</section>
{{>FOOT}}
