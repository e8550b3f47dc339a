// The "NRM engine" group of the properties panel: what our engine (SpiffWorkflow) reads from a
// diagram, edited in place. Everything is changed through the command stack, so each edit can be
// undone and marks the diagram as modified.
import { is, getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import {
  Group,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";

const MULTI = "properties-panel.multi-command-executor";
const TIMER_TYPES = ["timeDate", "timeDuration", "timeCycle"];

/** The group of a lane, as the engine derives it: lower case, runs of spaces as hyphens. */
export function laneGroup(name) {
  return (name || "unassigned").toLowerCase().split(/\s+/).filter(Boolean).join("-");
}

// ---- moddle helpers ----------------------------------------------------------------------

function extensionValues(bo, type) {
  const ext = bo.get("extensionElements");
  const values = (ext && ext.get("values")) || [];
  return type ? values.filter((value) => is(value, type)) : values;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/** Carry out updates: one on its own, several as one step (undone together), none: nothing. */
function execute(commandStack, commands) {
  if (commands.length > 1) commandStack.execute(MULTI, commands);
  else if (commands.length) commandStack.execute(commands[0].cmd, commands[0].context);
}

// Containers that are made when their first child is added: `owner[key]`, of `type`, holding `list`.
const EXTENSIONS = { key: "extensionElements", type: "bpmn:ExtensionElements", list: "values" };
const PARAMETERS = { key: "parameterList", type: "spiffworkflow:Parameters", list: "parameters" };

function append(element, owner, { key, type, list }, child, moddle, commands) {
  let container = owner.get(key);
  if (!container) {
    container = moddle.create(type, { [list]: [] });
    container.$parent = owner;
    commands.push(update(element, owner, { [key]: container }));
  }
  child.$parent = container;
  commands.push(update(element, container, { [list]: [...container.get(list), child] }));
}

function addExtension(element, bo, child, moddle, commands) {
  append(element, bo, EXTENSIONS, child, moddle, commands);
}

function removeExtension(element, bo, child, commands) {
  const ext = bo.get("extensionElements");
  const values = ext.get("values").filter((value) => value !== child);
  commands.push(update(element, ext, { values }));
  if (!values.length) commands.push(update(element, bo, { extensionElements: undefined }));
}

function findProperty(bo, name) {
  for (const container of extensionValues(bo, "spiffworkflow:Properties")) {
    for (const property of container.get("properties")) {
      if (property.get("name") === name) return { container, property };
    }
  }
  return {};
}

/** Whose properties an element's entries edit: a pool's (participant's) are its process's. */
function propertyOwner(element) {
  const bo = getBusinessObject(element);
  return is(bo, "bpmn:Participant") && bo.get("processRef") ? bo.get("processRef") : bo;
}

export function getSpiffProperty(element, name) {
  const { property } = findProperty(propertyOwner(element), name);
  return property ? property.get("value") || "" : "";
}

/** The updates that set (or, given nothing, remove) a spiffworkflow property. */
function spiffPropertyUpdates(element, name, value, moddle) {
  const bo = propertyOwner(element);
  const { container, property } = findProperty(bo, name);
  const commands = [];
  if (!value) {
    if (!property) return commands;
    const rest = container.get("properties").filter((p) => p !== property);
    if (rest.length) commands.push(update(element, container, { properties: rest }));
    else removeExtension(element, bo, container, commands);
  } else if (property) {
    commands.push(update(element, property, { value }));
  } else {
    const created = moddle.create("spiffworkflow:Property", { name, value });
    const existing = extensionValues(bo, "spiffworkflow:Properties")[0];
    if (existing) {
      created.$parent = existing;
      commands.push(update(element, existing, { properties: [...existing.get("properties"), created] }));
    } else {
      const box = moddle.create("spiffworkflow:Properties", { properties: [created] });
      created.$parent = box;
      addExtension(element, bo, box, moddle, commands);
    }
  }
  return commands;
}

function trimmed(value) {
  return (value || "").trim();
}

/** The text of the expression `owner[key]` (a condition, a timer's date, duration or cycle). */
function expressionText(owner, key) {
  const expression = owner.get(key);
  return trimmed(expression && expression.get("body"));
}

/** The update that sets the text of the expression `owner[key]`, making the expression if need be. */
function expressionUpdates(element, owner, key, body, bpmnFactory) {
  const expression = owner.get(key);
  if (expression) return [update(element, expression, { body })];
  const created = bpmnFactory.create("bpmn:FormalExpression", { body });
  created.$parent = owner;
  return [update(element, owner, { [key]: created })];
}

function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.get("eventDefinitions") || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
}

function timerKind(element) {
  const definition = timerDefinition(element);
  return TIMER_TYPES.find((type) => definition.get(type)) || "timeDate";
}

function serviceOperator(element) {
  return extensionValues(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator")[0];
}

function calledDecision(element) {
  return extensionValues(getBusinessObject(element), "spiffworkflow:CalledDecisionId")[0];
}

// ---- entry components ----------------------------------------------------------------------

/**
 * One text entry of our groups, described by its entry: `get(element)` gives the text shown,
 * `set(element, value, { moddle, bpmnFactory })` the updates that store a new text; `code` makes
 * it a monospace text area (of `rows` lines) for Python, otherwise it is a one-line field.
 * `description` may be a function of the element.
 */
function TextEntry({ element, id, label, description, code, rows, get, set }) {
  const commandStack = useService("commandStack");
  const services = { moddle: useService("moddle"), bpmnFactory: useService("bpmnFactory") };
  const debounce = useService("debounceInput");
  return (code ? TextAreaEntry : TextFieldEntry)({
    element,
    id,
    label,
    description: typeof description === "function" ? description(element) : description,
    monospace: code,
    rows,
    debounce,
    getValue: () => get(element),
    setValue: (value) => execute(commandStack, set(element, value, services)),
  });
}

function textEntry(id, entry) {
  return { id, component: TextEntry, isEdited: entry.code ? isTextAreaEntryEdited : isTextFieldEntryEdited, ...entry };
}

const CONDITION = {
  code: true,
  label: "Condition (Python expression)",
  description: "The flow is taken when this is true. Leave empty for an unconditional flow.",
  get: (element) => expressionText(getBusinessObject(element), "conditionExpression"),
  set: (element, value, { bpmnFactory }) => {
    const bo = getBusinessObject(element);
    if (!value) return [update(element, bo, { conditionExpression: undefined })];
    return expressionUpdates(element, bo, "conditionExpression", value, bpmnFactory);
  },
};

const SCRIPT = {
  code: true,
  rows: 4,
  label: "Script (Python)",
  description: "Runs in the engine's sandbox; it reads and sets the case data.",
  get: (element) => trimmed(getBusinessObject(element).get("script")),
  set: (element, value) => {
    const bo = getBusinessObject(element);
    const properties = { script: value };
    if (!bo.get("scriptFormat")) properties.scriptFormat = "python";
    return [update(element, bo, properties)];
  },
};

const CALLED_ELEMENT = {
  label: "Called process (process id)",
  description: "The id of the process this call activity runs, from this draft's diagrams.",
  get: (element) => trimmed(getBusinessObject(element).get("calledElement")),
  set: (element, value) => [update(element, getBusinessObject(element), { calledElement: value })],
};

const CALLED_DECISION = {
  label: "Decision (DMN decision id)",
  description: "The id of the decision table this task evaluates.",
  get: (element) => trimmed(calledDecision(element) && calledDecision(element).get("value")),
  set: (element, value, { moddle }) => {
    const bo = getBusinessObject(element);
    const existing = calledDecision(element);
    const commands = [];
    if (!value) {
      if (existing) removeExtension(element, bo, existing, commands);
    } else if (existing) {
      commands.push(update(element, existing, { value }));
    } else {
      addExtension(element, bo, moddle.create("spiffworkflow:CalledDecisionId", { value }), moddle, commands);
    }
    return commands;
  },
};

const TIMER = {
  code: true,
  label: "Timer expression (Python)",
  description: (element) => {
    const kind = timerKind(element);
    return kind === "timeDate"
      ? "When the timer fires: an expression giving a date and time, for example reflection['ends_at']."
      : `The timer's ${kind === "timeDuration" ? "duration" : "cycle"}, as an expression.`;
  },
  get: (element) => expressionText(timerDefinition(element), timerKind(element)),
  set: (element, value, { bpmnFactory }) =>
    expressionUpdates(element, timerDefinition(element), timerKind(element), value, bpmnFactory),
};

function spiffPropertyEntry(id, name, label, description) {
  return textEntry(id, {
    label,
    description,
    get: (element) => trimmed(getSpiffProperty(element, name)),
    set: (element, value, { moddle }) => spiffPropertyUpdates(element, name, value, moddle),
  });
}

function operatorEntry(id, attribute, label, description) {
  return textEntry(id, {
    label,
    description,
    get: (element) => trimmed(serviceOperator(element) && serviceOperator(element).get(attribute)),
    set: (element, value, { moddle }) => {
      const operator = serviceOperator(element);
      if (operator) return [update(element, operator, { [attribute]: value })];
      const commands = [];
      if (value) {
        const created = moddle.create("spiffworkflow:ServiceTaskOperator", { [attribute]: value });
        addExtension(element, getBusinessObject(element), created, moddle, commands);
      }
      return commands;
    },
  });
}

function parameterEntry(id, parameter, attribute, label) {
  return textEntry(id, {
    label,
    get: () => parameter.get(attribute) || "",
    set: (element, value) => [update(element, parameter, { [attribute]: value })],
  });
}

function FormEntry({ element, id, forms }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  return SelectEntry({
    element,
    id,
    label: "Form (JSON Schema file)",
    getValue: () => getSpiffProperty(element, "formJsonSchemaFilename"),
    setValue: (value) => execute(commandStack, spiffPropertyUpdates(element, "formJsonSchemaFilename", value, moddle)),
    getOptions: () => {
      const current = getSpiffProperty(element, "formJsonSchemaFilename");
      const options = [{ value: "", label: "(no form)" }, ...forms.map((form) => ({ value: form, label: form }))];
      if (current && !forms.includes(current)) options.push({ value: current, label: `${current} (not in this draft)` });
      return options;
    },
  });
}

function LaneHintEntry({ element, id, groups }) {
  const name = getBusinessObject(element).get("name");
  const group = laneGroup(name);
  const known = groups.includes(group);
  return h("div", { class: "bio-properties-panel-entry nrm-lane-hint", "data-entry-id": id }, [
    h("p", { class: "nrm-lane-hint__group" }, [
      "Tasks in this lane go to the group ",
      h("code", null, group),
      known ? " (a known group)." : " — not one of the known groups: its user tasks need a candidate group, or rename the lane.",
    ]),
    h("p", null, "The group is the lane's name in lower case, spaces as hyphens. Known groups:"),
    h(
      "ul",
      { class: "nrm-lane-hint__groups" },
      groups.map((g) => h("li", { key: g }, h("code", null, g))),
    ),
  ]);
}

// ---- the provider --------------------------------------------------------------------------

function engineEntries(element, config) {
  const entries = [];
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:SequenceFlow")) {
    const source = bo.get("sourceRef");
    if (!source || !is(source, "bpmn:ParallelGateway")) entries.push(textEntry("nrm-condition", CONDITION));
  }
  if (is(element, "bpmn:ScriptTask")) entries.push(textEntry("nrm-script", SCRIPT));
  if (is(element, "bpmn:CallActivity")) entries.push(textEntry("nrm-calledElement", CALLED_ELEMENT));
  if (is(element, "bpmn:BusinessRuleTask")) entries.push(textEntry("nrm-calledDecisionId", CALLED_DECISION));
  if (is(element, "bpmn:UserTask")) {
    entries.push(
      { id: "nrm-form", component: FormEntry, forms: config.forms, isEdited: isSelectEntryEdited },
      spiffPropertyEntry("nrm-dueDate", "dueDate", "Due date (Python expression)", "When the task is due, for example rg_due_at."),
      spiffPropertyEntry(
        "nrm-candidateGroup",
        "candidateGroup",
        "Candidate group (Python expression)",
        "Who may do the task. Leave empty to offer it to the lane's group.",
      ),
    );
  }
  if (is(element, "bpmn:ServiceTask")) {
    entries.push(
      operatorEntry(
        "nrm-operator",
        "id",
        "Service operation",
        "The id of the engine's service operation, for example produce_decision_letters.",
      ),
      operatorEntry("nrm-resultVariable", "resultVariable", "Result variable", "The case data field that receives the operation's result."),
    );
  }
  if (
    (is(element, "bpmn:StartEvent") || is(element, "bpmn:IntermediateCatchEvent") || is(element, "bpmn:BoundaryEvent")) &&
    timerDefinition(element)
  ) {
    entries.push(textEntry("nrm-timer", TIMER));
  }
  if (is(element, "bpmn:Process") || (is(element, "bpmn:Participant") && bo.get("processRef"))) {
    entries.push(
      spiffPropertyEntry(
        "nrm-reportedFields",
        "reportedFields",
        "Reported fields",
        "The case data fields kept in clear for lists and statistics, separated by commas. Closed choices only.",
      ),
      spiffPropertyEntry(
        "nrm-retention",
        "retention",
        "Retention (years after the case closed)",
        "A whole number from 1 to 100: the person's data is erased this many years after the case closed.",
      ),
    );
  }
  if (is(element, "bpmn:Lane")) {
    entries.push({ id: "nrm-lane-group", component: LaneHintEntry, groups: config.groups });
  }
  return entries;
}

const PARAMETER_ATTRIBUTES = [
  ["id", "Name"],
  ["type", "Type"],
  ["value", "Value (Python expression)"],
];

function parametersGroup(element, injector) {
  if (!is(element, "bpmn:ServiceTask")) return null;
  const commandStack = injector.get("commandStack");
  const moddle = injector.get("moddle");
  const bo = getBusinessObject(element);
  const operator = serviceOperator(element);
  const list = operator && operator.get("parameterList");
  const parameters = (list && list.get("parameters")) || [];
  const items = parameters.map((parameter, index) => {
    const prefix = `nrm-parameter-${index}`;
    return {
      id: prefix,
      label: parameter.get("id") || `Parameter ${index + 1}`,
      entries: PARAMETER_ATTRIBUTES.map(([attribute, label]) => parameterEntry(`${prefix}-${attribute}`, parameter, attribute, label)),
      autoFocusEntry: `${prefix}-id`,
      remove: (event) => {
        event.stopPropagation();
        const rest = list.get("parameters").filter((p) => p !== parameter);
        execute(commandStack, [update(element, list, { parameters: rest })]);
      },
    };
  });
  const add = (event) => {
    event.stopPropagation();
    const commands = [];
    const parameter = moddle.create("spiffworkflow:Parameter", { id: `parameter_${parameters.length + 1}`, type: "str", value: "" });
    let target = operator;
    if (!target) {
      target = moddle.create("spiffworkflow:ServiceTaskOperator", {});
      addExtension(element, bo, target, moddle, commands);
    }
    append(element, target, PARAMETERS, parameter, moddle, commands);
    execute(commandStack, commands);
  };
  return { id: "nrm-parameters", label: "NRM service parameters", component: ListGroup, items, add };
}

class NrmPropertiesProvider {
  constructor(propertiesPanel, injector, config) {
    this._injector = injector;
    this._config = { forms: [], groups: [], ...(config || {}) };
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const entries = engineEntries(element, this._config);
      const extra = [];
      if (entries.length) {
        extra.push({ id: "nrm-engine", label: "NRM engine", entries, component: Group });
      }
      const parameters = parametersGroup(element, this._injector);
      if (parameters) extra.push(parameters);
      if (!extra.length) return groups;
      const general = groups.findIndex((group) => group.id === "general");
      const result = [...groups];
      result.splice(general + 1, 0, ...extra);
      return result;
    };
  }
}

NrmPropertiesProvider.$inject = ["propertiesPanel", "injector", "config.nrm"];

export default {
  __init__: ["nrmPropertiesProvider"],
  nrmPropertiesProvider: ["type", NrmPropertiesProvider],
};
