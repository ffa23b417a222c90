{{%AUTOESCAPE context="HTML"}}
{{! The top of every page: document head, site header and navigation. }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="archmatrix {{VERSION}}">
<title>{{PAGE_TITLE}} · {{SITE_TITLE}}</title>
<link rel="stylesheet" href="{{ROOT}}assets/style.css">
<link rel="icon" href="{{ROOT}}assets/favicon.svg" type="image/svg+xml">
<script src="{{ROOT}}assets/archmatrix.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="{{ROOT}}index.html"><span class="logo" aria-hidden="true">▦</span> {{SITE_TITLE}}</a>
    <nav aria-label="Site">
      <ul>
        <li><a href="{{ROOT}}index.html"{{#NAV_OVERVIEW}} aria-current="page"{{/NAV_OVERVIEW}}>Overview</a></li>
        <li><a href="{{ROOT}}trend.html"{{#NAV_TREND}} aria-current="page"{{/NAV_TREND}}>Trend</a></li>
        <li><a href="{{ROOT}}data.json">data.json</a></li>
        <li><a href="{{ROOT}}coverage.csv">CSV</a></li>
        <li><a href="{{ROOT}}summary.md">Summary</a></li>
      </ul>
    </nav>
  </div>
  <p class="meta">
    {{#SOURCE}}<span class="source"><span class="k">source</span> <code>{{URL}}</code> <span class="k">at</span> <code>{{COMMIT}}</code></span>{{/SOURCE}}
    <span class="when"><span class="k">generated</span> <time>{{GENERATED_AT}}</time></span>
  </p>
</header>
<main id="main">
