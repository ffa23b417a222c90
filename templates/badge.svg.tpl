{{%AUTOESCAPE context="XML"}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{W}}" height="20" role="img" aria-label="{{LABEL}}: {{VALUE}}">
<title>{{LABEL}}: {{VALUE}}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="{{W}}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="{{LW}}" height="20" fill="#555"/><rect x="{{LW}}" width="{{VW}}" height="20" fill="{{COLOR}}"/><rect width="{{W}}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="{{LX}}" y="15" fill="#010101" fill-opacity=".3">{{LABEL}}</text><text x="{{LX}}" y="14">{{LABEL}}</text>
<text x="{{VX}}" y="15" fill="#010101" fill-opacity=".3">{{VALUE}}</text><text x="{{VX}}" y="14">{{VALUE}}</text>
</g>
</svg>
