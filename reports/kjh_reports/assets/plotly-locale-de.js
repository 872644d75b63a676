/* German locale for plotly.js (month names, decimal comma, thousands dot); written by kjh, no network. */
(function () {
  if (typeof Plotly === "undefined") { return; }
  Plotly.register({
    moduleType: "locale",
    name: "de",
    dictionary: {
      "Autoscale": "Automatische Skalierung",
      "Box Select": "Rechteckauswahl",
      "Download plot as a png": "Als PNG herunterladen",
      "Download plot": "Diagramm herunterladen",
      "Lasso Select": "Lassoauswahl",
      "Pan": "Verschieben",
      "Reset axes": "Achsen zurücksetzen",
      "Zoom": "Zoom",
      "Zoom in": "Vergrößern",
      "Zoom out": "Verkleinern",
      "Toggle Spike Lines": "Hilfslinien ein/aus",
      "Show closest data on hover": "Nächsten Wert zeigen",
      "Compare data on hover": "Werte vergleichen",
      "Double-click on legend to isolate one trace": "Doppelklick auf die Legende zeigt nur diese Reihe",
      "Click to enter Colorscale title": "Titel der Farbskala eingeben",
      "Click to enter Plot title": "Diagrammtitel eingeben",
      "Click to enter X axis title": "Titel der x-Achse eingeben",
      "Click to enter Y axis title": "Titel der y-Achse eingeben",
      "Produced with Plotly.js": "Erstellt mit Plotly.js",
      "trace": "Reihe"
    },
    format: {
      days: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
      shortDays: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
      months: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
               "November", "Dezember"],
      shortMonths: ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
      date: "%d.%m.%Y",
      decimal: ",",
      thousands: "."
    }
  });
})();
