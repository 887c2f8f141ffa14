# UI strings of the default theme: Spanish (Latin America).
# Every key here exists in en/ and pt/ too; a site overrides any of them in
# its own locales/es/*.ftl.

## Header, navigation and footer
skip-link = Saltar al contenido
nav-label = Navegación principal
nav-home = Inicio
nav-courses = Cursos
nav-guidelines = Guías
nav-itineraries = Itinerarios
language-switcher = Idioma
translation-missing = sin traducción
translation-notice = Esta página aún no está traducida al español; se muestra la versión en { $source ->
    [en] inglés
    [pt] portugués
   *[other] su idioma original
}.
translation-fallback = { $source ->
    [en] en inglés
    [pt] en portugués
    [es] en español
   *[other] en otro idioma
}
breadcrumb = Estás en
footer-text = Hecho con aula. Todas las páginas funcionan sin JavaScript y sin conexión.

## Page parts
toc-title = En esta página
pager-label = Módulo anterior y siguiente
previous = Anterior
next = Siguiente
course-outline = Módulos del curso
module-position = Módulo { $index } de { $total }
objectives = Objetivos de aprendizaje
tags = Temas
section-empty = Todavía no hay nada publicado en esta sección.
view-all-courses = Ver todos los cursos
view-all-guidelines = Ver todas las guías
view-all-itineraries = Ver todos los itinerarios
start-course = Comenzar el curso
itinerary-courses = Cursos del itinerario

## Metadata
duration = Duración
total-duration = Duración total
duration-minutes = { $minutes } min
duration-hours = { $minutes ->
    [0] { $hours } h
   *[other] { $hours } h { $minutes } min
}
reading-time = Lectura
reading-minutes = { $minutes } min
updated = Actualizado
date-long = { $day } de { $month ->
    [1] enero
    [2] febrero
    [3] marzo
    [4] abril
    [5] mayo
    [6] junio
    [7] julio
    [8] agosto
    [9] septiembre
    [10] octubre
    [11] noviembre
   *[12] diciembre
} de { $year }
level = Nivel
modules = Módulos
module-count = { $count ->
    [one] { $count } módulo
   *[other] { $count } módulos
}
course-count = { $count ->
    [one] { $count } curso
   *[other] { $count } cursos
}
authors = { $count ->
    [one] Autoría
   *[other] Autoría
}
license = Licencia
prerequisites = Requisitos previos
prerequisites-none = Ninguno
badge = Insignia
badge-criteria = Para obtenerla
audience = Dirigida a
version = Versión
credential = Certificación
credential-hours = Carga horaria
credential-criteria = Requisitos
hours = { $hours ->
    [one] { $hours } hora
   *[other] { $hours } horas
}

## Cursos, itinerarios y finalización
course-in-itineraries = Forma parte de estos itinerarios
completion-title = Finalización
completion-text = Llegaste al final de { $course }.
completion-back = Volver a la página del curso
completion-next = Sigue en { $itinerary }:
completion-path-done = Este es el último curso de { $itinerary }.
certificate-link = Imprimir un certificado de finalización (autodeclarado)

## Language chooser and page not found (each shown in its own language)
chooser-heading = Elige tu idioma
not-found-title = Página no encontrada
not-found-text = La dirección que buscas no existe o cambió de lugar.
not-found-home = Ir al inicio de { $site }

## Translators' status page (not linked from learner navigation)
translations-title = Estado de las traducciones
translations-intro = Qué páginas están al día, desactualizadas o sin traducir en cada idioma. Lo genera aula en cada compilación.
translations-command = El mismo informe en una terminal:
translations-summary = { $pages ->
    [one] { $pages } página
   *[other] { $pages } páginas
}: { $outdated ->
    [one] { $outdated } desactualizada
   *[other] { $outdated } desactualizadas
}, { $missing } sin traducir, { $untracked } sin seguimiento.
translations-section = Sección
translations-item = Elemento
translations-pages = Páginas
translations-details = Detalle por página
translations-page = Página
translations-other-pages = Otras páginas
status-source = original
status-up-to-date = al día
status-outdated = desactualizada
status-untracked = sin seguimiento
status-missing = falta
chooser-remember = Tu elección se recuerda en este navegador.
not-found-other-languages = Esta sección en otros idiomas:
