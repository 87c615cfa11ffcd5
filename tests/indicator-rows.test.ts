import { describe, expect, it } from "vitest";
import { readIndicatorRow } from "../src/answer/indicator-rows.ts";

const TABLE = [
  "专栏1“十四五”时期主要指标", "指标2020年2025年", "1.技师学院数（所）45 >50", "2.省级优质技工院校（所）——>10", "5.年均招生规模（万人）15.5 >15",
  "10.职业培训（万人次）[200] [>250]注：[ ]内为五年累计数。",
].join("\n");

describe("indicator table rows", () => {
  it("names the columns of a row", () => {
    expect(readIndicatorRow(TABLE, "1.技师学院数（所）45 >50")).toBe("技师学院数（所）：2020年45，2025年>50");
    expect(readIndicatorRow(TABLE, "2.省级优质技工院校（所）——>10")).toBe("省级优质技工院校（所）：2020年—，2025年>10");
    expect(readIndicatorRow(TABLE, "5.年均招生规模（万人）15.5 >15")).toBe("年均招生规模（万人）：2020年15.5，2025年>15");
  });

  it("keeps a row's note", () => {
    expect(readIndicatorRow(TABLE, "10.职业培训（万人次）[200] [>250]注：[ ]内为五年累计数。")).toBe("职业培训（万人次）：2020年[200]，2025年[>250]（[ ]内为五年累计数）");
  });

  it("is null for text that is not a row of such a table", () => {
    expect(readIndicatorRow(TABLE, "专栏1“十四五”时期主要指标")).toBeNull();
    expect(readIndicatorRow("全省共有技工院校181所。", "全省共有技工院校181所。")).toBeNull();
    expect(readIndicatorRow(TABLE, "3.只有一个数 12")).toBeNull();
  });
});
