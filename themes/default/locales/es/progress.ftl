# Progress strings of the default theme (aula.js): Spanish (Latin America).
# Shown only when script runs. In progress-course and progress-imported the
# variables are filled in by the script in the browser, so they cannot
# choose a plural form: write them so any number reads well.

## Module page
progress-mark = Terminé este módulo
progress-mark-quiz = También queda marcado cuando respondes bien todas sus preguntas.
progress-quiz-done = Respondiste bien todas las preguntas: módulo completado.

## Marks in outlines, course pages and lists
progress-done = Completado
progress-course = Módulos completados: { $done } de { $total } ({ $percent } %)

## Footer tools
progress-title = Tu progreso
progress-about = Se guarda solo en este navegador; no se envía a ningún lugar. Descárgalo para seguir en otro equipo o antes de dejar una computadora compartida.
progress-export = Descargar mi progreso
progress-import = Cargar un progreso descargado
progress-forget = Olvidar mi progreso
progress-forget-confirm = ¿Borrar de este navegador todo tu progreso? No se puede deshacer, salvo que lo hayas descargado antes.
progress-forgotten = Tu progreso se borró de este navegador.
progress-imported = Progreso cargado. Módulos completados: { $count }.
progress-import-bad = Ese archivo no es un progreso descargado de este campus.
