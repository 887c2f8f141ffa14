# Textos de la interfaz de los shortcodes del tema por defecto: español.
# Cada clave existe también en en/ y pt/.

shortcode-note = Nota
shortcode-tip = Consejo
shortcode-warning = Atención
shortcode-video-play = Reproducir: { $title }
shortcode-video-on = en { $host }
shortcode-embed-notice = Contenido de { $host }. No se carga hasta que lo pidas: al cargarlo, { $host } sabrá de tu visita.
shortcode-embed-load = Cargar el contenido de { $host }
