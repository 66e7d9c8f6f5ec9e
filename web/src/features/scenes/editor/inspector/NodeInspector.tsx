import type { ReactNode } from "react";
import { patchNode, removeItems, renameNode, type SceneDoc, TYPE_NAMES } from "src/features/scenes/editor/doc";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { NameField, Section, TextField } from "src/features/scenes/editor/inspector/inputs";
import {
  ChoiceFields,
  ConditionFields,
  EndFields,
  MiniGameFields,
  ReturnFields,
  SceneCallFields,
} from "src/features/scenes/editor/inspector/NodeFields";
import { VideoFields } from "src/features/scenes/editor/inspector/VideoFields";
import type { SceneNode } from "src/features/scenes/engine/types";

interface Props {
  doc: SceneDoc;
  node: SceneNode;
  sceneId: number;
  onAddOption(node: string): void;
  onPreviewFrom(node: string): void;
  /** What else the node offers (generation into a video node). */
  extra?: ReactNode;
}

/** The selected node: what every node has, then the fields of its type. */
export function NodeInspector({ doc, node, sceneId, onAddOption, onPreviewFrom, extra }: Props) {
  const { edit } = useEditing();
  const patch = (fields: Partial<SceneNode>, key?: string) =>
    edit((d) => patchNode(d, node.id, fields), key && `node:${node.id}:${key}`);
  const isStart = doc.start === node.id;
  return (
    <Section
      title={`${TYPE_NAMES[node.type]} ${node.id}`}
      actions={
        <button type="button" className="danger" onClick={() => edit((d) => removeItems(d, [node.id]))}>
          Delete node
        </button>
      }
    >
      <div className="row">
        <button type="button" disabled={isStart} onClick={() => edit((d) => ({ ...d, start: node.id }))}>
          {isStart ? "This is the start" : "Make it the start"}
        </button>
        <button type="button" onClick={() => onPreviewFrom(node.id)}>
          Preview from here
        </button>
      </div>
      <NameField
        label="Id"
        value={node.id}
        accept={(id) => {
          let ok = false;
          edit((d) => {
            const next = renameNode(d, node.id, id);
            ok = next !== d;
            return next;
          });
          return ok;
        }}
      />
      <TextField label="Name" value={node.label} nullable maxLength={200} onChange={(label) => patch({ label }, "label")} />
      {node.type === "video" && <VideoFields node={node} patch={patch} />}
      {node.type === "choice" && <ChoiceFields doc={doc} node={node} patch={patch} onAddOption={() => onAddOption(node.id)} />}
      {node.type === "condition" && <ConditionFields node={node} patch={patch} />}
      {node.type === "mini_game" && <MiniGameFields node={node} patch={patch} />}
      {node.type === "end" && <EndFields node={node} patch={patch} />}
      {node.type === "scene_call" && <SceneCallFields node={node} patch={patch} sceneId={sceneId} />}
      {node.type === "return" && <ReturnFields node={node} patch={patch} />}
      {extra}
    </Section>
  );
}
