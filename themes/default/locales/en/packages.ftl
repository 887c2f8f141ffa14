# Taking a course away: the downloads on a course page, the printable
# course (print.html) and the EPUB (src/outputs/print.rs, epub.rs,
# packages.rs). { $size } is already formatted ("84 KB", "1.2 MB").
downloads-title = Take this course with you
download-zip = Offline package (ZIP, { $size }): open index.html from the unzipped folder, no connection needed
download-epub = E-book (EPUB, { $size }) for e-readers and reading apps
download-print = Whole course on one page, to print or save as PDF ({ $size })
book-contents = Contents
book-module = Module { $index }
book-answer-key = Answer key
book-see-answer = See the answer in the answer key
book-back-to-question = Back to the question
print-title = printable version
print-back = Back to the course
print-hint = Use your browser's Print command to print this page or save it as PDF.
print-online = Online at
download-scorm = SCORM 1.2 package for a learning platform (Moodle, Chamilo, Kolibri; { $size })
download-imscc = Common Cartridge 1.1 for a learning platform (Moodle, Canvas; { $size })
