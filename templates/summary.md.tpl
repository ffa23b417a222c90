{{%AUTOESCAPE context="HTML"}}{{! Markdown for a pull request or a CI job summary. Values are HTML-escaped: Markdown renderers show the entities as the characters, and no markup from a repository gets through. }}## {{SITE_TITLE}}: platform coverage

{{#SOURCE}}Source {{URL}} at {{COMMIT}}. {{/SOURCE}}Generated {{GENERATED_AT}}: {{NTARGETS}} images built here, {{NUSED}} used.

| Platform | Coverage | ✓ published | ◐ declared | + portable | ⊘ blocked | ? unknown |
|:--|--:|--:|--:|--:|--:|--:|
{{#PLATFORM}}| {{PLATFORM}}{{#IS_PRIORITY}} (priority){{/IS_PRIORITY}} | {{COVERAGE_TEXT}} | {{T_PUBLISHED}} | {{T_DECLARED}} | {{T_PORTABLE}} | {{T_BLOCKED}} | {{T_UNKNOWN}} |
{{/PLATFORM}}

### Next ports for {{PRIORITY}}

{{#NO_PORTS}}Nothing left to port.
{{/NO_PORTS}}{{#NO_PORTS_UNKNOWN}}Nothing to port among the images the registry answered for; {{UNKNOWN_TEXT}} could not be checked.
{{/NO_PORTS_UNKNOWN}}{{#GROUP}}- {{#PORTABLE}}**{{COUNT}} portable now** (the base has {{PRIORITY}}){{/PORTABLE}}{{#DECLARED}}**{{COUNT}} declared, not published**{{/DECLARED}}{{#BLOCKED}}**Porting {{BASE}} unblocks {{COUNT}}**{{/BLOCKED}}: {{#ITEM}}{{IMAGE_NAME}}{{#ITEM_separator}}, {{/ITEM_separator}}{{/ITEM}}{{#MORE}} and {{MORE_COUNT}} more{{/MORE}}
{{/GROUP}}
{{#CHANGES}}
### Since the previous run ({{PREVIOUS_AT}})

↑ {{N_PUBLISHED}} newly published · ↓ {{N_LOST}} lost · + {{N_ADDED}} new images · − {{N_REMOVED}} removed
{{#LOST_ANY}}
Regressions:

{{#LOST}}- ↓ {{IMAGE}} on {{PLATFORM}}: was {{WAS}}, now {{NOW}}
{{/LOST}}{{/LOST_ANY}}{{/CHANGES}}
