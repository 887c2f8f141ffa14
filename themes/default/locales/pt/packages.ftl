# Levar um curso consigo: os downloads da página do curso, o curso para
# imprimir (print.html) e o EPUB (src/outputs/print.rs, epub.rs,
# packages.rs). { $size } chega já formatado ("84 KB", "1,2 MB").
downloads-title = Leve este curso com você
download-zip = Pacote offline (ZIP, { $size }): abra index.html na pasta descompactada, sem precisar de conexão
download-epub = Livro digital (EPUB, { $size }) para leitores e aplicativos de leitura
download-print = O curso completo em uma página, para imprimir ou salvar como PDF ({ $size })
book-contents = Sumário
book-module = Módulo { $index }
book-answer-key = Gabarito
book-see-answer = Ver a resposta no gabarito
book-back-to-question = Voltar à pergunta
print-title = versão para imprimir
print-back = Voltar ao curso
print-hint = Use o comando Imprimir do navegador para imprimir esta página ou salvá-la como PDF.
print-online = Disponível em
download-scorm = Pacote SCORM 1.2 para uma plataforma de aprendizagem (Moodle, Chamilo, Kolibri; { $size })
download-imscc = Common Cartridge 1.1 para uma plataforma de aprendizagem (Moodle, Canvas; { $size })
