{{%AUTOESCAPE context="HTML"}}
{{>HEAD}}
<nav class="crumbs" aria-label="Breadcrumb"><a href="../index.html">Overview</a> › <span>{{PLATFORM}}</span></nav>
<h1>{{PLATFORM}}{{#IS_PRIORITY}} <span class="tag">priority</span>{{/IS_PRIORITY}}</h1>
<p class="lede"><strong>{{COVERAGE_TEXT}}</strong> of the images built here are published for {{PLATFORM}}: {{T_PUBLISHED}} of {{NTARGETS}}. <a href="../{{BADGE}}">Badge</a>.</p>
<ul class="stat-row">
<li class="stat s-published"><span class="n">{{T_PUBLISHED}}</span> <span class="sym" aria-hidden="true">✓</span> published</li>
<li class="stat s-declared"><span class="n">{{T_DECLARED}}</span> <span class="sym" aria-hidden="true">◐</span> declared</li>
<li class="stat s-portable"><span class="n">{{T_PORTABLE}}</span> <span class="sym" aria-hidden="true">+</span> portable</li>
<li class="stat s-blocked"><span class="n">{{T_BLOCKED}}</span> <span class="sym" aria-hidden="true">⊘</span> blocked</li>
<li class="stat s-unknown"><span class="n">{{T_UNKNOWN}}</span> <span class="sym" aria-hidden="true">?</span> unknown</li>
</ul>

<section aria-labelledby="missing" class="ports">
<h2 id="missing">Missing, in priority order</h2>
{{#NO_PORTS}}<p class="empty">Nothing to port for {{PLATFORM}}.</p>{{/NO_PORTS}}{{#NO_PORTS_UNKNOWN}}<p class="empty">Nothing to port among the images the registry answered for; {{UNKNOWN_TEXT}} could not be checked (below).</p>{{/NO_PORTS_UNKNOWN}}
<ol class="groups">
{{#GROUP}}
<li class="group g-{{STATE}}">
<h3><span class="sym" aria-hidden="true">{{SYMBOL}}</span> {{#PORTABLE}}{{COUNT}} portable now{{/PORTABLE}}{{#DECLARED}}{{COUNT}} declared, not published{{/DECLARED}}{{#BLOCKED}}Porting <code>{{BASE}}</code> unblocks {{COUNT}}{{/BLOCKED}}</h3>
<p class="explain">{{#PORTABLE}}The base image already has {{PLATFORM}}: add it to the build.{{/PORTABLE}}{{#DECLARED}}The build declares {{PLATFORM}}, but the registry does not have it: publish it.{{/DECLARED}}{{#BLOCKED}}This base image lacks {{PLATFORM}}: port it, or switch to a base that has it.{{/BLOCKED}}</p>
<ol class="images">
{{#ITEM}}<li><a href="{{PAGE}}"><span class="prefix">{{IMAGE_PREFIX}}</span><span class="name">{{IMAGE_NAME}}</span></a> <span class="uses">{{USES_TEXT}}</span></li>
{{/ITEM}}
</ol>
</li>
{{/GROUP}}
</ol>
</section>

{{#UNKNOWN_ANY}}
<section aria-labelledby="unknown">
<h2 id="unknown">Unknown</h2>
<ul class="plain">
{{#UNKNOWN}}<li><span class="sym" aria-hidden="true">?</span> <a href="{{PAGE}}">{{IMAGE}}</a> — {{NOTE}}</li>
{{/UNKNOWN}}
</ul>
</section>
{{/UNKNOWN_ANY}}

{{#USED_MISSING_ANY}}
<section aria-labelledby="used-missing">
<h2 id="used-missing">Used images without {{PLATFORM}}</h2>
<p>These are used by the repository but not built here: a build or deployment on {{PLATFORM}} that needs them fails.</p>
<ul class="plain">
{{#USED_MISSING}}<li><span class="sym" aria-hidden="true">✗</span> <a href="{{PAGE}}">{{IMAGE}}</a> <span class="uses">{{USES_TEXT}}</span></li>
{{/USED_MISSING}}
</ul>
</section>
{{/USED_MISSING_ANY}}

{{#PUBLISHED_ANY}}
<section aria-labelledby="published">
<h2 id="published">Published</h2>
<details>
<summary>{{N_PUBLISHED}} images built here are published for {{PLATFORM}}</summary>
<ul class="plain columns">
{{#PUBLISHED}}<li><span class="sym" aria-hidden="true">✓</span> <a href="{{PAGE}}">{{IMAGE_NAME}}</a></li>
{{/PUBLISHED}}
</ul>
</details>
</section>
{{/PUBLISHED_ANY}}
{{>FOOT}}
