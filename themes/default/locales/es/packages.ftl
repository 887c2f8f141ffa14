# Llevarse un curso: las descargas de la página del curso, el curso
# imprimible (print.html) y el EPUB (src/outputs/print.rs, epub.rs,
# packages.rs). { $size } llega ya formateado ("84 KB", "1,2 MB").
downloads-title = Llévate este curso
download-zip = Paquete sin conexión (ZIP, { $size }): abre index.html en la carpeta descomprimida, sin necesidad de conexión
download-epub = Libro electrónico (EPUB, { $size }) para lectores y aplicaciones de lectura
download-print = El curso completo en una página, para imprimir o guardar como PDF ({ $size })
book-contents = Contenido
book-module = Módulo { $index }
book-answer-key = Respuestas
book-see-answer = Ver la respuesta en la sección de respuestas
book-back-to-question = Volver a la pregunta
print-title = versión para imprimir
print-back = Volver al curso
print-hint = Usa la opción Imprimir de tu navegador para imprimir esta página o guardarla como PDF.
print-online = En línea en
download-scorm = Paquete SCORM 1.2 para una plataforma de aprendizaje (Moodle, Chamilo, Kolibri; { $size })
download-imscc = Common Cartridge 1.1 para una plataforma de aprendizaje (Moodle, Canvas; { $size })
