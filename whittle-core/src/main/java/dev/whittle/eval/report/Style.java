package dev.whittle.eval.report;

/** The report's style sheet: system fonts only, so the page needs nothing from the network. */
final class Style {
  private Style() {}

  static final String CSS = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
             margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #222; }
      h1 { font-size: 22px; margin-bottom: 4px; }
      h2 { font-size: 17px; margin: 28px 0 4px; border-bottom: 1px solid #ddd; }
      .meta, .note, figcaption, footer { color: #555; }
      .note { margin: 2px 0 10px; max-width: 900px; }
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
      th, td { padding: 4px 8px; text-align: right; border-bottom: 1px solid #eee;
               white-space: nowrap; }
      th { background: #f6f6f6; position: sticky; top: 0; }
      td.name, th:first-child { text-align: left; }
      tbody tr:hover { background: #f3f7fc; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
                margin-right: 6px; }
      .grid { display: flex; flex-wrap: wrap; gap: 12px 24px; }
      figure { margin: 0; }
      figcaption { text-align: center; font-size: 12px; }
      .legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
      svg.chart { font-size: 11px; max-width: 100%; height: auto; }
      svg .gridline { stroke: #e6e6e6; }
      svg .frame { fill: none; stroke: #999; }
      svg .tick { fill: #666; }
      svg .axis { fill: #333; font-size: 12px; }
      svg .note { fill: #333; font-size: 11px; }
      svg .absent { fill: #f4f4f4; }
      svg .point:hover, svg .bin:hover { opacity: 0.7; }
      .steps dt { font-weight: 600; margin-top: 8px; }
      .steps dd { margin-left: 16px; }
      code { font-size: 12px; word-break: break-all; }
      """;
}
