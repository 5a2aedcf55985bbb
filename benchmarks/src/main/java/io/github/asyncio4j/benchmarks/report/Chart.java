package io.github.asyncio4j.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the ratios as a grouped bar chart, headless: one group per workload, one bar per other
 * implementation, height asyncio4j's operations per second over that implementation's on a
 * logarithmic axis. Bars rise from the 1× line when asyncio4j is faster and hang below it when it
 * is slower.
 */
final class Chart {
  /** The narrowest chart; it grows by {@link #MIN_GROUP_WIDTH} per workload beyond that. */
  private static final int WIDTH = 1400;

  private static final int MIN_GROUP_WIDTH = 110;
  private static final int HEIGHT = 700;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 90;
  private static final int BOTTOM = 110;

  private static final Color[] PALETTE = {
    new Color(0x4C72B0),
    new Color(0xDD8452),
    new Color(0x55A868),
    new Color(0xC44E52),
    new Color(0x8172B3),
    new Color(0x937860),
    new Color(0xDA8BC3),
  };

  private Chart() {}

  /** Writes the chart of {@code results} as a PNG to {@code file}. */
  static void write(List<Result> results, String subtitle, Path file) throws IOException {
    List<String> workloads = new ArrayList<>();
    for (String w : Report.workloads(results)) {
      if (Report.find(results, w, "asyncio4j") != null) {
        workloads.add(w);
      }
    }
    List<String> others = new ArrayList<>(Report.implementations(results));
    others.remove("asyncio4j");

    double lo = 1;
    double hi = 1;
    for (Result r : results) {
      double ratio = Report.ratio(results, r);
      if (!r.implementation().equals("asyncio4j") && ratio > 0 && !Double.isInfinite(ratio)) {
        lo = Math.min(lo, ratio);
        hi = Math.max(hi, ratio);
      }
    }
    int minExp = (int) Math.floor(Math.log10(lo / 1.3));
    int maxExp = (int) Math.ceil(Math.log10(hi * 1.3));
    minExp = Math.min(minExp, -1);
    maxExp = Math.max(maxExp, 1);

    int width = Math.max(WIDTH, LEFT + RIGHT + MIN_GROUP_WIDTH * workloads.size());
    BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, HEIGHT);

      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
      g.drawString(
          "asyncio4j throughput relative to each implementation (above 1×: asyncio4j is faster)",
          LEFT,
          32);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.setColor(Color.DARK_GRAY);
      g.drawString(subtitle, LEFT, 54);

      int plotW = width - LEFT - RIGHT;
      int plotH = HEIGHT - TOP - BOTTOM;
      Axis axis = new Axis(minExp, maxExp, TOP, plotH);

      // grid and y labels
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      for (int e = minExp; e <= maxExp; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double v = m * Math.pow(10, e);
          if (e == maxExp && m > 1) {
            break;
          }
          int y = axis.y(v);
          g.setColor(m == 1 ? new Color(0xCCCCCC) : new Color(0xEEEEEE));
          g.drawLine(LEFT, y, LEFT + plotW, y);
          if (m == 1 || maxExp - minExp <= 2) {
            String label = ratioLabel(v);
            g.setColor(Color.DARK_GRAY);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
          }
        }
      }
      int oneY = axis.y(1);
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1.5f));
      g.drawLine(LEFT, oneY, LEFT + plotW, oneY);
      g.drawLine(LEFT, TOP, LEFT, TOP + plotH);

      // bars
      int groups = Math.max(1, workloads.size());
      double groupW = (double) plotW / groups;
      double barW = Math.min(48, groupW * 0.8 / Math.max(1, others.size()));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      fm = g.getFontMetrics();
      for (int gi = 0; gi < workloads.size(); gi++) {
        String workload = workloads.get(gi);
        double groupX = LEFT + gi * groupW;
        double barsX = groupX + (groupW - barW * others.size()) / 2;
        for (int oi = 0; oi < others.size(); oi++) {
          Result r = Report.find(results, workload, others.get(oi));
          if (r == null) {
            continue;
          }
          double ratio = Report.ratio(results, r);
          if (!(ratio > 0) || Double.isInfinite(ratio)) {
            continue;
          }
          int x = (int) Math.round(barsX + oi * barW);
          int y = axis.y(ratio);
          int w = (int) Math.max(2, Math.round(barW) - 3);
          g.setColor(PALETTE[oi % PALETTE.length]);
          g.fillRect(x, Math.min(y, oneY), w, Math.max(1, Math.abs(oneY - y)));
          String label = String.format(Locale.ROOT, ratio >= 10 ? "%.0f" : "%.2g", ratio);
          g.setColor(Color.BLACK);
          int lx = x + (w - fm.stringWidth(label)) / 2;
          g.drawString(label, lx, ratio >= 1 ? y - 3 : y + fm.getAscent() + 1);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        FontMetrics bold = g.getFontMetrics();
        g.setColor(Color.BLACK);
        // Names wider than their group alternate between two rows, so neighbours never overlap.
        int row = bold.stringWidth(workload) > groupW - 6 ? gi % 2 : 0;
        g.drawString(
            workload,
            (int) (groupX + (groupW - bold.stringWidth(workload)) / 2),
            TOP + plotH + 22 + row * 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      }

      // legend
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      fm = g.getFontMetrics();
      int lx = LEFT;
      int ly = HEIGHT - 40;
      g.setColor(Color.DARK_GRAY);
      g.drawString("asyncio4j vs:", lx, ly + 12);
      lx += fm.stringWidth("asyncio4j vs:") + 14;
      for (int oi = 0; oi < others.size(); oi++) {
        g.setColor(PALETTE[oi % PALETTE.length]);
        g.fillRect(lx, ly, 16, 14);
        g.setColor(Color.BLACK);
        g.drawString(others.get(oi), lx + 22, ly + 12);
        lx += 22 + fm.stringWidth(others.get(oi)) + 24;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  private static String ratioLabel(double v) {
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.0f×", v);
    }
    return new BigDecimal(String.format(Locale.ROOT, "%.6f", v))
            .stripTrailingZeros()
            .toPlainString()
        + "×";
  }

  /** A log10 axis from 10^minExp at the bottom to 10^maxExp at the top. */
  private static final class Axis {
    private final int minExp;
    private final int maxExp;
    private final int top;
    private final int height;

    Axis(int minExp, int maxExp, int top, int height) {
      this.minExp = minExp;
      this.maxExp = maxExp;
      this.top = top;
      this.height = height;
    }

    int y(double v) {
      double f = (Math.log10(v) - minExp) / (maxExp - minExp);
      return (int) Math.round(top + height * (1 - f));
    }
  }
}
