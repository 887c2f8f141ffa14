# UI strings of this campus, layered over the theme's
# (themes/default/locales/en/main.ftl) message by message: a key the theme
# also has replaces the theme's text; the other keys are the campus's own
# and are used by its templates/. See docs/theming.md.

## The campus's own strings
campus-tagline = Teaching and learning even when the power, the network or the calendar fails
# Used by templates/partials/tags.html, at the end of every content page.
campus-reuse-label = Reuse this material:
campus-reuse = you may copy, adapt and translate it, also in your university's learning platform, if you credit the Open Campus and share your changes under the same licence (CC BY-SA 4.0).

## Theme strings this campus words its own way
footer-text = { campus-tagline }. Every page works without JavaScript and offline; made with aula.
