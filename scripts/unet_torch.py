"""src/models/unet.ts and the soft Dice loss of src/layers/segmentation-losses.ts, written in PyTorch.

The parameter names are Sapling's (encoders.i.conv1.weight, ups.i.weight or ups.i.1.weight,
decoders.i.bn2.running_var, head.bias, ...), so a state dict moves between the two as it is.
Used by make-unet-fixtures.py (parity fixtures) and segmentation-torch.py (the training twin).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Module):
    def __init__(self, cin, cout, batch_norm):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding="same", bias=not batch_norm)
        self.bn1 = nn.BatchNorm2d(cout) if batch_norm else None
        self.conv2 = nn.Conv2d(cout, cout, 3, padding="same", bias=not batch_norm)
        self.bn2 = nn.BatchNorm2d(cout) if batch_norm else None
        self.relu = nn.ReLU()

    def forward(self, x):
        h = self.conv1(x)
        if self.bn1 is not None:
            h = self.bn1(h)
        h = self.conv2(self.relu(h))
        if self.bn2 is not None:
            h = self.bn2(h)
        return self.relu(h)


class UNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=2, depth=4, width=64, upsampling="transpose", batch_norm=True):
        super().__init__()
        c = lambda level: width * 2 ** level
        self.depth = depth
        self.encoders = nn.ModuleList([DoubleConv(in_channels if i == 0 else c(i - 1), c(i), batch_norm) for i in range(depth)])
        self.bottleneck = DoubleConv(c(depth - 1), c(depth), batch_norm)
        if upsampling == "transpose":
            self.ups = nn.ModuleList([nn.ConvTranspose2d(c(i + 1), c(i), 2, stride=2) for i in range(depth)])
        else:
            self.ups = nn.ModuleList([nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(c(i + 1), c(i), 1)) for i in range(depth)])
        self.decoders = nn.ModuleList([DoubleConv(c(i + 1), c(i), batch_norm) for i in range(depth)])
        self.head = nn.Conv2d(width, num_classes, 1)

    def forward(self, x):
        skips = []
        for encoder in self.encoders:
            x = encoder(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for i in reversed(range(self.depth)):
            x = self.decoders[i](torch.cat([skips[i], self.ups[i](x)], 1))
        return self.head(x)


def dice_loss(logits, y, smooth=1.0):
    p = torch.softmax(logits, 1)
    t = F.one_hot(y.long(), logits.shape[1]).permute(0, 3, 1, 2).to(logits.dtype)
    axes = (0, 2, 3)
    d = (2 * (p * t).sum(axes) + smooth) / (p.sum(axes) + t.sum(axes) + smooth)
    return 1 - d.mean()
