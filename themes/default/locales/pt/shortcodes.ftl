# Textos da interface dos shortcodes do tema padrão: português.
# Cada chave existe também em en/ e es/.

shortcode-note = Nota
shortcode-tip = Dica
shortcode-warning = Atenção
shortcode-video-play = Reproduzir: { $title }
shortcode-video-on = em { $host }
shortcode-embed-notice = Conteúdo de { $host }. Só é carregado quando você pedir: ao carregá-lo, { $host } fica sabendo da sua visita.
shortcode-embed-load = Carregar o conteúdo de { $host }
