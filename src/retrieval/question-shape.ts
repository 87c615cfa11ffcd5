/**
 * What kind of answer a question wants, read from its wording. Retrieval uses it to
 * prefer items that name responsible units for "who" questions; the answer stage uses
 * it to shape the answer.
 */
import type { QuestionShape } from "../answer/types.ts";

// Order matters: the first shape whose pattern matches wins.
const SHAPES: readonly (readonly [QuestionShape, RegExp])[] = [
  ["compare", /(区别|不一样|不同|变化|相比|对比|比较|分别|异同|有何差异)|(\d{2,4}年.*(和|与|跟|、|vs).*\d{2,4}年)|\bcompare|\bdifference/i],
  [
    "list",
    /(负责|参与|牵头|涉及|承担)(了)?(哪些|哪几|几)(项|条|个)?(任务|措施|事|工作|事项|项|条)|哪(些|几)(项|条|事|任务|措施)|(有哪些|是哪些)(事|项|任务|措施)|(的|了)(任务|措施|事项|工作)(有|是)?(哪些|哪几)|只由.{1,12}(负责|承担)的|哪些事|哪几项|哪几条|which tasks|list (all|the)/i,
  ],
  ["who", /谁|哪(些|个|家)(部门|单位|机构)|牵头|责任(单位|部门)|归哪|由哪|负责单位|哪些.{0,4}负责|\bwho\b|which (department|agency|unit)/i],
  ["when", /什么时候|何时|哪天|哪一?年|几月|几号|啥时候|多久|多长时间|期限|截止|最晚|日期|\bwhen\b|deadline|what date/i],
  ["number", /多少|几(个|所|倍|名|人|家|条|项|门|成|次)|比例|百分之|排第几|第几|多大|how (many|much)|what (share|percentage|proportion)/i],
  ["yesno", /吗[？?！!。]*$|能否|是否|可不可以|能不能|有没有|要不要|是不是|可以.{0,10}[吗么]|^(can|is|are|does|do|will|should|may)\b/i],
];

/** Classifies a question; defaults to "fact". */
export function questionShape(question: string): QuestionShape {
  for (const [shape, pattern] of SHAPES) if (pattern.test(question)) return shape;
  return "fact";
}
