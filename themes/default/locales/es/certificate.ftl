## La página de finalización autodeclarada (templates/certificate.html)

certificate-title = Certificado de finalización
certificate-heading = Imprime tu certificado de finalización
certificate-how = Escribe tu nombre (y la fecha, si quieres) e imprime esta página o guárdala como PDF con la orden Imprimir del navegador (Ctrl+P, o Compartir › Imprimir en el teléfono). Nada de lo que escribas sale de esta página.
certificate-self-declared = Autodeclarado
certificate-not-verified = No es una credencial verificada: nadie comprobó quién eres ni lo que hiciste. Para obtener la insignia, cumple sus criterios con la institución que la otorga.
certificate-name = Nombre
certificate-date = Fecha
certificate-signature = Firma
certificate-declares-course = declara haber completado todos los módulos del curso
certificate-declares-itinerary = declara haber completado todos los cursos del itinerario
certificate-parts-course = Módulos
certificate-parts-itinerary = Cursos
certificate-back-course = ← Volver al curso
certificate-back-itinerary = ← Volver al itinerario
certificate-fine = Impreso desde { $site }. Autodeclarado por la persona nombrada arriba; nadie lo verificó, firmó ni registró.

## Páginas de curso e itinerario

# Enlaces a los archivos que definen la insignia, para plataformas de aprendizaje.
open-badges = Definición de la insignia para plataformas de aprendizaje
