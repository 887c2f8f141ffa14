# UI strings of the default theme's shortcodes: English.
# Every key here exists in es/ and pt/ too.

shortcode-note = Note
shortcode-tip = Tip
shortcode-warning = Warning
shortcode-video-play = Play: { $title }
shortcode-video-on = on { $host }
shortcode-embed-notice = Content from { $host }. It is not loaded until you ask: loading it lets { $host } see your visit.
shortcode-embed-load = Load content from { $host }
